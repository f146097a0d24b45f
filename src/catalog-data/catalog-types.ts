// The shape of catalog.json (written by scripts/import-catalog.ts, loaded by core/catalog.ts).

export const bodyTypeDefinitions = [
  { code: 'SEDAN', name: 'Sedan', description: 'Passenger car with a separate, closed boot (saloon); four doors, three-box shape.' },
  { code: 'HATCHBACK', name: 'Hatchback', description: 'Passenger car whose rear door opens with the window (hatchback, liftback, notchback).' },
  { code: 'COUPE', name: 'Coupe', description: 'Two-door passenger car with a fixed roof and a sloping rear.' },
  { code: 'CONVERTIBLE', name: 'Convertible', description: 'Passenger car with a folding or removable roof (cabriolet).' },
  { code: 'ROADSTER', name: 'Roadster', description: 'Open two-seat sports car.' },
  { code: 'WAGON', name: 'Wagon', description: 'Passenger car with the roof extended over a cargo area behind the rear seats (estate).' },
  { code: 'SUV', name: 'SUV', description: 'Sport utility vehicle or multi-purpose vehicle, usually body-on-frame or with off-road ability.' },
  { code: 'CROSSOVER', name: 'Crossover', description: 'Crossover utility vehicle (CUV): an SUV-shaped vehicle built on a car platform.' },
  { code: 'MINIVAN', name: 'Minivan', description: 'Passenger van with three rows of seats and sliding rear doors (MPV).' },
  { code: 'VAN', name: 'Van', description: 'Passenger or multi-purpose van.' },
  { code: 'CARGO_VAN', name: 'Cargo Van', description: 'Van built for goods, without rear seats or side windows (including step vans).' },
  { code: 'PICKUP', name: 'Pickup', description: 'Light truck with an open cargo bed (including sport utility trucks).' },
  { code: 'TRUCK', name: 'Truck', description: 'Light truck that is not a pickup (chassis with a body, utility body).' },
  { code: 'LIMOUSINE', name: 'Limousine', description: 'Lengthened luxury sedan with a chauffeur compartment.' },
] as const;

export type BodyTypeCode = (typeof bodyTypeDefinitions)[number]['code'];

// The storefront document's enum endpoints, exactly as documented.
export const engineTypes = ['PETROL', 'DIESEL', 'ELECTRIC', 'HYBRID', 'PLUGIN_HYBRID'] as const;
export const transmissionTypes = ['MANUAL', 'AUTOMATIC', 'CVT', 'DCT', 'SEMI_AUTOMATIC'] as const;
export const drivetrainTypes = ['FWD', 'RWD', 'AWD', '4WD'] as const;

export type EngineType = Lowercase<(typeof engineTypes)[number]>;
export type TransmissionType = Lowercase<(typeof transmissionTypes)[number]>;
export type DrivetrainType = (typeof drivetrainTypes)[number];

export type CatalogBodyType = { id: string; code: BodyTypeCode; name: string; description: string };

export type CatalogBrand = {
  id: string;
  name: string;
  slug: string;
  countryOfOrigin: string | null;
  logoUrl: string | null;
  source: 'vpic' | 'curated';
  vpicId: number | null;
};

export type CatalogModel = {
  id: string;
  brandId: string;
  name: string;
  slug: string;
  bodyTypeId: string | null;
  startYear: number | null;
  endYear: number | null;
  source: 'vpic' | 'curated';
  vpicId: number | null;
};

export type CatalogEngine = {
  id: string;
  code: string;
  name: string;
  type: EngineType;
  /** Litres, as the document shows it ("2.5"); null for electric motors. */
  displacement: string | null;
  cylinders: number | null;
  horsepower: number;
  torqueNm: number | null;
  transmission: TransmissionType;
  source: string;
};

export type CatalogGeneration = { id: string; modelId: string; name: string; slug: string; startYear: number; endYear: number | null; source: string };

export type CatalogTrim = {
  id: string;
  modelId: string;
  generationId: string;
  name: string;
  slug: string;
  engineIds: string[];
  drivetrains: DrivetrainType[];
  source: string;
};

export type CatalogData = {
  version: string;
  source: Record<string, string>;
  figures: Record<string, number>;
  bodyTypes: CatalogBodyType[];
  brands: CatalogBrand[];
  models: CatalogModel[];
  engines: CatalogEngine[];
  generations: CatalogGeneration[];
  trims: CatalogTrim[];
};
