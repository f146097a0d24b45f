import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { decodeVinOrRefuse } from '../../core/vin-decode.ts';
import { defineRoute, type Deps } from '../platform/route.ts';

// GET /api/public/v1/vin/:vin: offline VIN decoding from NHTSA vPIC data shipped with the server.

const text = (description: string, example: string | null) => z.string().nullable().meta({ description, example });
const number = (description: string, example: number | null) => z.number().nullable().meta({ description, example });

const example = {
  vin: '1FTFW5L86RFB45612',
  checkDigit: { valid: true, expected: '6', actual: '6', required: true },
  wmi: { code: '1FT', manufacturer: 'FORD MOTOR COMPANY, USA', country: 'UNITED STATES (USA)', vehicleType: 'Truck' },
  make: 'Ford',
  model: 'F-150',
  modelYear: 2024,
  modelYearBasis: 'position-7',
  series: 'Lariat',
  trim: null,
  bodyClass: 'Pickup',
  engine: { displacementL: 3.5, displacementCc: 3500, cylinders: 6, configuration: 'V-Shaped', fuelType: 'Gasoline', fuelTypeSecondary: null, electrification: null, model: 'GTDI' },
  driveType: null,
  gvwr: 'Class 2F: 7,001 - 8,000 lb (3,175 - 3,629 kg)',
  plant: { country: 'UNITED STATES (USA)', state: 'MICHIGAN', city: 'DEARBORN' },
  matched: true,
  warnings: [],
};

export const vinDecoding = z
  .object({
    vin: z.string().meta({ description: 'The VIN as decoded: upper case, without spaces or dashes.', example: example.vin }),
    checkDigit: z
      .object({
        valid: z.boolean().meta({ description: 'Whether position 9 is the ISO 3779 / 49 CFR 565 check digit.', example: true }),
        expected: z.string().meta({ description: 'The check digit the other 16 characters give.', example: '6' }),
        actual: z.string().meta({ description: 'Position 9 as sent.', example: '6' }),
        required: z.boolean().meta({ description: 'True for North-American VINs (first character 1–5), where the check digit is mandatory; elsewhere it is often not used.', example: true }),
      })
      .meta({ description: 'The check-digit verdict.', example: example.checkDigit }),
    wmi: z
      .object({
        code: z.string().meta({ description: 'World Manufacturer Identifier: positions 1–3 (and 12–14 when position 3 is 9).', example: '1FT' }),
        manufacturer: text('Manufacturer registered for the WMI.', 'FORD MOTOR COMPANY, USA'),
        country: text('Country the WMI is registered in (not necessarily where the vehicle was built: see plant).', 'UNITED STATES (USA)'),
        vehicleType: text('vPIC vehicle type of the WMI: Passenger Car, Multipurpose Passenger Vehicle (MPV), Truck, Bus, Motorcycle, Trailer, …', 'Truck'),
      })
      .nullable()
      .meta({ description: 'Null when NHTSA has no such WMI.', example: example.wmi }),
    make: text('Make, from the decoded model (or the WMI when it has a single make).', 'Ford'),
    model: text('Model, as NHTSA names it.', 'F-150'),
    modelYear: number('Model year, or null when position 10 is not a year code (often "0" outside North America): never guessed.', 2024),
    modelYearBasis: z.enum(['position-7', 'position-10', 'vpic-data', 'unknown']).meta({
      description:
        'How the 30-year cycle of position 10 was settled: `position-7` by the federal rule for passenger cars, MPVs and trucks of 10,000 lb or less (a digit in position 7 means 1980–2009, a letter 2010–2039); `position-10` because the later cycle would be more than two years ahead; `vpic-data` by the cycle NHTSA has data for (other vehicles, e.g. buses and heavy trucks); `unknown` when there is no model year.',
      example: 'position-7',
    }),
    series: text('Series, where NHTSA records one.', 'Lariat'),
    trim: text('Trim, where NHTSA records one.', null),
    bodyClass: text('vPIC Body Class.', 'Pickup'),
    engine: z
      .object({
        displacementL: number('Litres, one decimal.', 3.5),
        displacementCc: number('Cubic centimetres.', 3500),
        cylinders: number('Number of cylinders.', 6),
        configuration: text('In-Line, V-Shaped, Horizontally opposed (boxer), …', 'V-Shaped'),
        fuelType: text('Primary fuel: Gasoline, Diesel, Electric, Flexible Fuel Vehicle (FFV), …', 'Gasoline'),
        fuelTypeSecondary: text('Secondary fuel (hybrids, flex fuel).', null),
        electrification: text('Electrification level (BEV, PHEV, HEV …).', null),
        model: text("Manufacturer's engine code.", 'GTDI'),
      })
      .meta({ description: 'Engine, each part null where NHTSA records nothing.', example: example.engine }),
    driveType: text('Drive type (FWD, AWD, 4WD …); NHTSA records it for few VINs in the shipped data.', null),
    gvwr: text('Gross vehicle weight rating class.', 'Class 2F: 7,001 - 8,000 lb (3,175 - 3,629 kg)'),
    plant: z
      .object({ country: text('Plant country.', 'UNITED STATES (USA)'), state: text('Plant state or province.', 'MICHIGAN'), city: text('Plant city.', 'DEARBORN') })
      .meta({ description: 'Where the vehicle was assembled (from position 11 and the schema).', example: example.plant }),
    matched: z.boolean().meta({ description: 'False when no NHTSA pattern matched (only the manufacturer is known).', example: true }),
    warnings: z.array(z.string()).meta({ description: 'Why something is missing or uncertain, in words.', example: [] }),
  })
  .meta({ id: 'VinDecoding', example });

export function registerVinDecoding(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps, 'records', {
    method: 'GET',
    path: '/vin/:vin',
    // Decoding reads no dealer data; it belongs with the motors it describes.
    scope: 'motors:read',
    summary: 'Decode a VIN',
    description: [
      'Decodes a Vehicle Identification Number offline from NHTSA vPIC data shipped with the server (no call to NHTSA): make, model, model year, body class, engine, drive type, plant and the check-digit verdict. Parts NHTSA has no data for are null, with the reason in `warnings`.',
      'The model year follows 49 CFR 565.15: position 10, with position 7 choosing between 1980–2009 (a digit) and 2010–2039 (a letter) for passenger cars, MPVs and trucks of 10,000 lb or less. A VIN whose position 10 is not a year code (often `0` outside North America) decodes with `modelYear: null`.',
      'A malformed VIN (not 17 characters of 0-9 and A-Z without I, O, Q, once spaces and dashes are removed) is a **400** naming `vin`: `{"error":{"message":"vin: must be 17 characters of 0-9 and A-Z without I, O or Q","code":"validation_failed","details":[{"field":"vin","message":"must be 17 characters of 0-9 and A-Z without I, O or Q"}]}}`. A wrong check digit is not refused: it is reported in `checkDigit`.',
    ].join('\n\n'),
    tags: ['Records API'],
    params: z.object({ vin: z.string().min(1).max(40).meta({ description: 'The VIN; case, spaces and dashes are forgiven.', example: '1FTFW5L86RFB45612' }) }),
    responses: { 200: z.object({ data: vinDecoding }).meta({ example: { data: example } }) },
    handler: async (_ctx, { params }) => ({ body: { data: decodeVinOrRefuse(params.vin) } }),
  });
}
