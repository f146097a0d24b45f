// The shape of vin-decode.json.gz (written by scripts/build-vin-data.ts, read by core/vin-decode.ts).

/** The vPIC elements (table Element) the dataset keeps, by id, with the name the decoder uses. */
export const DECODED_ELEMENTS = {
  5: 'bodyClass',
  9: 'cylinders',
  11: 'displacementCc',
  13: 'displacementL',
  15: 'driveType',
  18: 'engineModel',
  24: 'fuelPrimary',
  25: 'gvwr',
  28: 'model',
  31: 'plantCity',
  34: 'series',
  38: 'trim',
  64: 'engineConfiguration',
  66: 'fuelSecondary',
  75: 'plantCountry',
  77: 'plantState',
  126: 'electrification',
} as const;
export type DecodedElement = (typeof DECODED_ELEMENTS)[keyof typeof DECODED_ELEMENTS];

export type VinDataWmi = {
  manufacturer: string | null;
  /** Only when the WMI has exactly one make (Wmi_Make); otherwise the make comes from the model. */
  make: string | null;
  /** vPIC VehicleType id: 2 passenger car, 3 truck, 5 bus, 7 MPV, … */
  vehicleType: number | null;
  /** vPIC TruckType id (1 light truck); rarely filled in the lite copy. */
  truckType: number | null;
  /** Where the WMI is registered, not where the vehicle was built (that is plantCountry). */
  country: string | null;
  /** YYYY-MM-DD: a WMI is decoded only from this day (Wmi.PublicAvailabilityDate). */
  publicFrom: string | null;
  /** [VinSchema id, first model year, last model year or null (open)]. */
  schemas: [number, number, number | null][];
};

export type VinData = {
  source: string;
  /** Element id → vPIC Element.weight, which ranks one decoding pass against another. */
  weights: Record<string, number>;
  /** VehicleType id → name ("Passenger Car", "Truck", "Bus", …). */
  vehicleTypes: Record<string, string>;
  /** Attribute texts, lookups already resolved to their names; patterns point here. */
  values: string[];
  wmis: Record<string, VinDataWmi>;
  /**
   * VinSchema id → its patterns, one a line: keys, element id, value, change rank (all but keys in
   * base 36), tab-separated. The value is a Model id for element 28, an index of `values` otherwise.
   * The change rank orders coalesce(UpdatedOn, CreatedOn): higher is more recent. Kept as text and
   * parsed per schema when a VIN needs it.
   */
  schemas: Record<string, string>;
  /** Model id → [model name, make name] (Make_Model). */
  models: Record<string, [string, string]>;
  /** Engine model name (lower case) → [element id, index of `values`] (EngineModelPattern). */
  engineModels: Record<string, [number, number][]>;
};
