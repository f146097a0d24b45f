import { asc } from 'drizzle-orm';
import type { Ctx } from './context.ts';
import { customers, motors } from '../storage/schema/index.ts';
import { scopedLive } from '../storage/tenant-scope.ts';
import { createMotor, type MotorInput, type FuelType, type Transmission } from './motors.ts';
import { createEmployee } from './employees.ts';
import { createLead, type LeadInput } from './leads.ts';
import { createSupportTicket } from './support-tickets.ts';
import { createPolicy } from './policies.ts';
import { createLogisticsEntry } from './logistics-entries.ts';
import { createDirectoryListing } from './directory-listings.ts';
import { vinYearCode, withCheckDigit } from './vin.ts';
import { withThousands } from './money.ts';

// Demo motors, employees, leads, tickets, policies, logistics and directory entries for a US
// dealership. Deterministic (no randomness but the slugs' suffixes), so docs and screenshots match.

type Catalog = {
  make: string;
  model: string;
  /** VIN positions 1–8 of a real manufacturer code; position 7 a letter (the 2010–2039 year cycle). */
  wmi: string;
  bodyType: string;
  trims: string[];
  engine: string;
  fuelType: FuelType;
  displacement: number | null;
  horsepower: number;
  transmission: Transmission;
  drivetrain: 'FWD' | 'RWD' | 'AWD' | '4WD';
  /** New price in cents, for a plausible asking price after depreciation. */
  msrp: number;
};

const catalog: Catalog[] = [
  {
    make: 'Toyota',
    model: 'Camry',
    wmi: '4T1B11HK',
    bodyType: 'Sedan',
    trims: ['LE', 'SE', 'XLE'],
    engine: '2.5L 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.5,
    horsepower: 203,
    transmission: 'AUTOMATIC',
    drivetrain: 'FWD',
    msrp: 2800000,
  },
  {
    make: 'Toyota',
    model: 'Corolla',
    wmi: '2T1BURHE',
    bodyType: 'Sedan',
    trims: ['L', 'LE', 'SE'],
    engine: '1.8L 4-cylinder',
    fuelType: 'PETROL',
    displacement: 1.8,
    horsepower: 139,
    transmission: 'CVT',
    drivetrain: 'FWD',
    msrp: 2200000,
  },
  {
    make: 'Toyota',
    model: 'RAV4',
    wmi: '2T3P1RFV',
    bodyType: 'SUV',
    trims: ['LE', 'XLE', 'Hybrid XSE'],
    engine: '2.5L 4-cylinder hybrid',
    fuelType: 'HYBRID',
    displacement: 2.5,
    horsepower: 219,
    transmission: 'CVT',
    drivetrain: 'AWD',
    msrp: 3300000,
  },
  {
    make: 'Honda',
    model: 'Civic',
    wmi: '19XFC2F5',
    bodyType: 'Sedan',
    trims: ['LX', 'Sport', 'EX'],
    engine: '2.0L 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.0,
    horsepower: 158,
    transmission: 'CVT',
    drivetrain: 'FWD',
    msrp: 2400000,
  },
  {
    make: 'Honda',
    model: 'CR-V',
    wmi: '2HKRW2H8',
    bodyType: 'SUV',
    trims: ['LX', 'EX', 'EX-L'],
    engine: '1.5L turbo 4-cylinder',
    fuelType: 'PETROL',
    displacement: 1.5,
    horsepower: 190,
    transmission: 'CVT',
    drivetrain: 'AWD',
    msrp: 3100000,
  },
  {
    make: 'Ford',
    model: 'F-150',
    wmi: '1FTEW1EP',
    bodyType: 'Pickup',
    trims: ['XL', 'XLT', 'Lariat'],
    engine: '3.5L EcoBoost V6',
    fuelType: 'PETROL',
    displacement: 3.5,
    horsepower: 400,
    transmission: 'AUTOMATIC',
    drivetrain: '4WD',
    msrp: 4800000,
  },
  {
    make: 'BMW',
    model: '3 Series',
    wmi: 'WBA5R1C5',
    bodyType: 'Sedan',
    trims: ['330i', '330i xDrive', 'M340i'],
    engine: '2.0L turbo 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.0,
    horsepower: 255,
    transmission: 'AUTOMATIC',
    drivetrain: 'RWD',
    msrp: 4500000,
  },
  {
    make: 'Mercedes-Benz',
    model: 'C-Class',
    wmi: 'W1KAF4HB',
    bodyType: 'Sedan',
    trims: ['C 300', 'C 300 4MATIC'],
    engine: '2.0L turbo 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.0,
    horsepower: 255,
    transmission: 'AUTOMATIC',
    drivetrain: 'RWD',
    msrp: 4700000,
  },
  {
    make: 'Volkswagen',
    model: 'Golf',
    wmi: 'WVWZZZAU',
    bodyType: 'Hatchback',
    trims: ['Life', 'Style', 'GTI'],
    engine: '1.5L TSI',
    fuelType: 'PETROL',
    displacement: 1.5,
    horsepower: 150,
    transmission: 'DCT',
    drivetrain: 'FWD',
    msrp: 2600000,
  },
  {
    make: 'Tesla',
    model: 'Model 3',
    wmi: '5YJ3E1EA',
    bodyType: 'Sedan',
    trims: ['Standard Range Plus', 'Long Range', 'Performance'],
    engine: 'Dual motor',
    fuelType: 'ELECTRIC',
    displacement: null,
    horsepower: 283,
    transmission: 'AUTOMATIC',
    drivetrain: 'AWD',
    msrp: 4200000,
  },
  {
    make: 'Hyundai',
    model: 'Tucson',
    wmi: 'KM8J3CA4',
    bodyType: 'SUV',
    trims: ['SE', 'SEL', 'Limited'],
    engine: '2.5L 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.5,
    horsepower: 187,
    transmission: 'AUTOMATIC',
    drivetrain: 'AWD',
    msrp: 2900000,
  },
  {
    make: 'Kia',
    model: 'Sportage',
    wmi: 'KNDPMCAC',
    bodyType: 'SUV',
    trims: ['LX', 'EX', 'SX'],
    engine: '2.4L 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.4,
    horsepower: 181,
    transmission: 'AUTOMATIC',
    drivetrain: 'FWD',
    msrp: 2800000,
  },
  {
    make: 'Mazda',
    model: 'CX-5',
    wmi: 'JM3KFBCM',
    bodyType: 'SUV',
    trims: ['Sport', 'Touring', 'Grand Touring'],
    engine: '2.5L 4-cylinder',
    fuelType: 'PETROL',
    displacement: 2.5,
    horsepower: 187,
    transmission: 'AUTOMATIC',
    drivetrain: 'AWD',
    msrp: 3000000,
  },
];

const colors = ['Celestial Silver', 'Midnight Black', 'Super White', 'Blueprint Blue', 'Ruby Flare Red', 'Magnetic Gray', 'Lunar Rock'];
const interiors = ['Black', 'Ash Gray', 'Beige', 'Saddle Brown'];
const featurePool = {
  safety: ['ABS', 'Airbags', 'Lane keeping assist', 'Adaptive cruise control', 'Blind-spot monitor', 'Rear-view camera'],
  exterior: ['Alloy wheels', 'LED headlights', 'Sunroof', 'Roof rails', 'Tow hitch'],
  interior: ['Leather seats', 'Heated seats', 'Dual-zone climate', 'Keyless entry'],
  entertainment: ['Bluetooth', 'Apple CarPlay', 'Android Auto', 'Premium audio', 'Navigation'],
};
const pick = <T>(list: readonly T[], i: number, n: number) => Array.from({ length: n }, (_, k) => list[(i + k * 2) % list.length]).filter((v, k, a) => a.indexOf(v) === k);
const DEALER_ADDRESS = '2200 Auto Mall Dr, Fremont, CA 94538';

// Demo photos are served by this server (src/demo-photos/, http/demo-photos.ts), never by an outside
// host: a silhouette of the body type in two colours. Media URLs are absolute http(s) URLs, so they
// carry the server's public address (PUBLIC_URL, else http://localhost:PORT; config.publicBaseUrl).
export const DEMO_PHOTOS_PATH = '/demo-photos';
const DEFAULT_PUBLIC_URL = 'http://localhost:3000';
const photoShapes: Record<string, [string, string]> = {
  Sedan: ['sedan-silver', 'sedan-blue'],
  SUV: ['suv-black', 'suv-red'],
  Pickup: ['pickup-white', 'pickup-gray'],
  Hatchback: ['hatchback-red', 'hatchback-blue'],
};
const photo = (publicUrl: string, c: Catalog, variant: number) => `${publicUrl.replace(/\/+$/, '')}${DEMO_PHOTOS_PATH}/${(photoShapes[c.bodyType] ?? photoShapes.Sedan)[variant % 2]}.svg`;

// Serial numbers differ per environment so test and live demo VINs do not look copied.
function demoVin(c: Catalog, year: number, serial: number): string {
  return withCheckDigit(`${c.wmi}0${vinYearCode(year)}A${String(serial).padStart(6, '0')}`);
}

export function demoMotorInputs(count = 34, serialBase = 100000, publicUrl = DEFAULT_PUBLIC_URL): MotorInput[] {
  const listingCycle = ['sale', 'sale', 'rental', 'sale', 'auction', 'sale'] as const;
  return Array.from({ length: count }, (_, i) => {
    const c = catalog[i % catalog.length];
    const year = 2015 + ((i * 7) % 11);
    const age = 2026 - year;
    const mileage = age === 0 ? 15 * (i + 1) : age * 11000 + ((i * 1733) % 9000);
    const listed = i % 2 === 0;
    const listingType = listed ? listingCycle[(i / 2) % listingCycle.length] : null;
    // Straight-line depreciation, rounded to whole dollars ending in 00.
    const price = Math.max(450000, Math.round((c.msrp * Math.pow(0.86, age)) / 10000) * 10000 - 100);
    const trim = c.trims[i % c.trims.length];
    return {
      vin: demoVin(c, year, serialBase + i),
      stockNumber: `STK-${String(2001 + i)}`,
      make: c.make,
      model: c.model,
      year,
      trim,
      bodyType: c.bodyType,
      engine: { description: c.engine, fuelType: c.fuelType, displacement: c.displacement, horsepower: c.horsepower },
      transmission: c.transmission,
      drivetrain: c.drivetrain,
      exteriorColor: colors[i % colors.length],
      interiorColor: interiors[i % interiors.length],
      mileage,
      mileageUnit: 'mi',
      plate: listed ? null : `${8 + (i % 2)}${String.fromCharCode(65 + (i % 26))}BC${100 + i}`,
      status: listed ? 'in_stock' : i % 6 === 1 ? 'sold' : i % 6 === 3 ? 'in_service' : 'in_stock',
      condition: age === 0 ? 'new' : 'used',
      description: `${year} ${c.make} ${c.model} ${trim} in ${colors[i % colors.length]}. ${age === 0 ? 'Brand new, full factory warranty.' : `One owner, ${withThousands(mileage)} miles, full service history.`}`,
      listingType,
      listingStatus: listed ? 'active' : 'draft',
      saleOptions: listingType === 'sale' ? { priceAmount: price, currency: 'USD', isNegotiable: i % 4 === 0, financingAvailable: i % 3 !== 2 } : null,
      rentalOptions: listingType === 'rental' ? { dailyRateAmount: 4500 + (i % 5) * 1000, weeklyRateAmount: (4500 + (i % 5) * 1000) * 6, depositAmount: 50000, currency: 'USD', minDays: 2 } : null,
      auctionOptions:
        listingType === 'auction'
          ? { startingBidAmount: Math.round(price * 0.7), reserveAmount: Math.round(price * 0.9), currency: 'USD', startsAt: '2026-12-01T17:00:00.000Z', endsAt: '2026-12-08T17:00:00.000Z' }
          : null,
      media: listed
        ? [0, 1].map((k) => ({
            url: photo(publicUrl, c, i + k),
            type: 'photo' as const,
            category: 'exterior' as const,
            isFeatured: k === 0,
            sortOrder: k + 1,
          }))
        : [],
      features: {
        safety: pick(featurePool.safety, i, 3),
        exterior: pick(featurePool.exterior, i, 2),
        interior: pick(featurePool.interior, i, 2),
        entertainment: pick(featurePool.entertainment, i, 3),
      },
      pickupDetails: listed ? { address: DEALER_ADDRESS, locationName: 'Fremont showroom' } : null,
    };
  });
}

const staff = [
  ['Marcus', 'Bell', 'technician', 4500],
  ['Priya', 'Nair', 'technician', 4200],
  ['Diego', 'Alvarez', 'service_advisor', 3200],
  ['Hannah', 'Kim', 'salesperson', 2800],
  ['Tom', 'Becker', 'salesperson', 2800],
  ['Olivia', 'Grant', 'manager', 5200],
  ['Samir', 'Haddad', 'admin', 3000],
  ['Rosa', 'Lindqvist', 'other', 2400],
] as const;

/** Seeds the collections of this module for one dealership and environment; needs customers first for owners and policies. */
export async function seedRecordsDemo(ctx: Ctx, publicUrl = DEFAULT_PUBLIC_URL): Promise<Record<string, number>> {
  // Seeding a tenant twice must not fail: the demo fleet is made once per tenant and environment.
  const [anyMotor] = await ctx.db.select({ id: motors.id }).from(motors).where(scopedLive(ctx, motors)).limit(1);
  if (anyMotor) return {};
  const customerRows = await ctx.db
    .select({ id: customers.id, firstName: customers.firstName, lastName: customers.lastName, email: customers.email })
    .from(customers)
    .where(scopedLive(ctx, customers))
    .orderBy(asc(customers.createdAt), asc(customers.id));
  const customerIds = customerRows.map((c) => c.id);
  const customerAt = (i: number) => (customerIds.length ? customerIds[i % customerIds.length] : null);
  // A lead from a known customer carries their contact as the enquiry gave it, as intake leads
  // do, so every list (not only the inbox, which joins the customer) shows a name, not an id.
  const fromCustomer = (i: number): LeadInput => {
    const c = customerRows.length ? customerRows[i % customerRows.length] : undefined;
    if (!c) return {};
    return { customerId: c.id, contactName: [c.firstName, c.lastName].filter(Boolean).join(' ') || null, contactEmail: c.email };
  };

  const employeeIds: string[] = [];
  for (const [i, [firstName, lastName, role, cost]] of staff.entries()) {
    const e = await createEmployee(ctx, {
      firstName,
      lastName,
      email: `${firstName}.${lastName}@demo-motors.example`.toLowerCase(),
      phone: `+1 510 555 01${String(i).padStart(2, '0')}`,
      role,
      hourlyCostAmount: cost * 100,
      currency: 'USD',
      active: i !== 7,
      hiredOn: `${2016 + i}-0${1 + (i % 9)}-15`,
    });
    employeeIds.push(e.id);
  }

  const serialBase = ctx.environment === 'live' ? 500000 : 100000;
  const motorIds: string[] = [];
  const owned: { motorId: string; customerId: string }[] = [];
  for (const [i, input] of demoMotorInputs(34, serialBase, publicUrl).entries()) {
    // Customers' own cars, in for service, belong to them.
    const ownerCustomerId = input.status === 'in_service' || input.status === 'sold' ? customerAt(i) : null;
    const m = await createMotor(ctx, { ...input, ownerCustomerId });
    motorIds.push(m.id);
    if (ownerCustomerId) owned.push({ motorId: m.id, customerId: ownerCustomerId });
  }

  const leadInputs: LeadInput[] = [
    {
      source: 'website',
      status: 'new',
      contactName: 'Dana Whitfield',
      contactEmail: 'dana.whitfield@example.com',
      interest: 'test-drive',
      motorId: motorIds[0],
      message: 'Is this Camry available for a test drive on Saturday morning?',
    },
    { source: 'phone', status: 'contacted', ...fromCustomer(1), interest: 'buy', motorId: motorIds[4], assignedEmployeeId: employeeIds[3] },
    {
      source: 'marketplace',
      status: 'qualified',
      contactName: 'Kwame Mensah',
      contactPhone: '+1 408 555 0199',
      interest: 'buy',
      vehicleOfInterest: { year: 2022, make: 'Honda', model: 'CR-V' },
      assignedEmployeeId: employeeIds[4],
    },
    {
      source: 'adf',
      status: 'new',
      contactName: 'Laura Chen',
      contactEmail: 'laura.chen@example.com',
      interest: 'lease',
      vehicleOfInterest: { year: 2025, make: 'Tesla', model: 'Model 3' },
      metadata: { adfProvider: 'Cars.com' },
    },
    { source: 'walk-in', status: 'won', ...fromCustomer(2), interest: 'buy', motorId: motorIds[1], assignedEmployeeId: employeeIds[3] },
    {
      source: 'contact_form',
      status: 'new',
      contactName: 'Pete Okafor',
      contactEmail: 'pete.okafor@example.com',
      interest: 'sell',
      vehicleOfInterest: { year: 2016, make: 'Ford', model: 'F-150' },
      message: 'What would you offer for my 2016 F-150 XLT, 98k miles?',
    },
    { source: 'test_drive', status: 'contacted', ...fromCustomer(3), interest: 'test-drive', motorId: motorIds[8], assignedEmployeeId: employeeIds[4] },
    { source: 'phone', status: 'lost', contactName: 'Ivy Romero', contactPhone: '+1 650 555 0134', interest: 'trade-in', message: 'Went with another dealer.' },
    { source: 'website', status: 'new', ...fromCustomer(4), interest: 'service', motorId: owned[0]?.motorId ?? null, message: 'Brakes squeal when cold.' },
    {
      source: 'other',
      status: 'qualified',
      contactName: 'Bay Area Rideshare LLC',
      contactEmail: 'fleet@bayrideshare.example',
      interest: 'buy',
      vehicleOfInterest: { make: 'Toyota', model: 'Corolla' },
      message: 'Looking for 5 units.',
    },
  ];
  for (const lead of leadInputs) await createLead(ctx, lead);

  const tickets = [
    { subject: 'Check-engine light after service', priority: 'high', channel: 'phone', status: 'open' },
    { subject: 'Missing second key fob', priority: 'normal', channel: 'email', status: 'pending' },
    { subject: 'Invoice shows wrong labour hours', priority: 'normal', channel: 'web', status: 'resolved' },
    { subject: 'Rattle from the dashboard at highway speed', priority: 'low', channel: 'in_person', status: 'open' },
    { subject: 'Paint scratch noticed at delivery', priority: 'urgent', channel: 'phone', status: 'closed' },
  ] as const;
  for (const [i, t] of tickets.entries()) {
    const o = owned[i % Math.max(owned.length, 1)];
    await createSupportTicket(ctx, { ...t, customerId: o?.customerId ?? customerAt(i), motorId: o?.motorId ?? null, assigneeEmployeeId: employeeIds[2] });
  }

  const policyKinds = [
    ['warranty', 'AutoShield Warranty Co.', 'Powertrain, 3 years or 36,000 miles', 89900, 3],
    ['insurance', 'Golden State Mutual', 'Comprehensive and collision, $500 deductible', 142000, 1],
    ['service_plan', 'Demo Motors Care', 'Oil changes and tyre rotations every 5,000 miles', 39900, 2],
  ] as const;
  let policyCount = 0;
  for (const [i, o] of owned.slice(0, 6).entries()) {
    const [type, provider, coverage, premium, years] = policyKinds[i % policyKinds.length];
    const startYear = 2024 + (i % 2);
    await createPolicy(ctx, {
      type,
      provider,
      policyNumber: `${type.slice(0, 2).toUpperCase()}-${startYear}-${String(4100 + i)}`,
      customerId: o.customerId,
      motorId: o.motorId,
      startsOn: `${startYear}-0${1 + i}-01`,
      endsOn: `${startYear + years}-0${1 + i}-01`,
      premiumAmount: premium,
      currency: 'USD',
      coverage,
      status: i === 5 ? 'cancelled' : 'active',
    });
    policyCount++;
  }

  const moves = [
    {
      kind: 'delivery',
      from: DEALER_ADDRESS,
      to: '48 Oak Street, San Jose, CA 95112',
      status: 'delivered',
      at: '2026-10-02T16:00:00.000Z',
      done: '2026-10-02T17:10:00.000Z',
      carrier: null,
      cost: null,
    },
    {
      kind: 'transport',
      from: 'Manheim Riverside, 6446 Cactus Ave, Riverside, CA',
      to: DEALER_ADDRESS,
      status: 'in_transit',
      at: '2026-11-20T08:00:00.000Z',
      done: null,
      carrier: 'Bayline Auto Transport',
      cost: 65000,
    },
    { kind: 'transfer', from: DEALER_ADDRESS, to: 'Demo Motors Hayward, 24500 Mission Blvd, Hayward, CA', status: 'scheduled', at: '2026-11-28T15:00:00.000Z', done: null, carrier: null, cost: null },
    { kind: 'pickup', from: '1200 Lakeshore Ave, Oakland, CA', to: DEALER_ADDRESS, status: 'scheduled', at: '2026-11-26T18:00:00.000Z', done: null, carrier: null, cost: null },
    {
      kind: 'transport',
      from: DEALER_ADDRESS,
      to: 'Copart Sacramento, 5701 Alhambra Blvd, Sacramento, CA',
      status: 'cancelled',
      at: '2026-09-15T08:00:00.000Z',
      done: null,
      carrier: 'Valley Haulers',
      cost: 42000,
    },
  ] as const;
  for (const [i, m] of moves.entries()) {
    await createLogisticsEntry(ctx, {
      motorId: motorIds[(i * 5) % motorIds.length],
      kind: m.kind,
      fromLocation: m.from,
      toLocation: m.to,
      status: m.status,
      scheduledAt: new Date(m.at),
      completedAt: m.done ? new Date(m.done) : null,
      carrier: m.carrier,
      trackingNumber: m.carrier ? `TRK-${88120 + i}` : null,
      costAmount: m.cost,
      currency: m.cost ? 'USD' : null,
      driverEmployeeId: m.carrier ? null : employeeIds[7],
    });
  }

  const listings = [
    {
      directory: 'google',
      name: 'Demo Motors Fremont',
      url: 'https://maps.google.com/?cid=4185013372112290101',
      categories: ['Car dealer', 'Used car dealer', 'Auto repair shop'],
      status: 'active',
      externalId: 'ChIJ2eUgeAK6j4ARbn5u_wAGqWA',
    },
    { directory: 'yelp', name: 'Demo Motors', url: 'https://www.yelp.com/biz/demo-motors-fremont', categories: ['Car Dealers', 'Auto Repair'], status: 'active', externalId: 'demo-motors-fremont' },
    { directory: 'facebook', name: 'Demo Motors Fremont', url: 'https://www.facebook.com/demomotorsfremont', categories: ['Automotive Dealership'], status: 'pending', externalId: null },
    { directory: 'autotrader', name: 'Demo Motors', url: 'https://www.autotrader.com/car-dealers/fremont-ca/100000/demo-motors', categories: ['Dealer'], status: 'active', externalId: 'AT-100000' },
  ] as const;
  for (const l of listings) await createDirectoryListing(ctx, { ...l, categories: [...l.categories], address: DEALER_ADDRESS, phone: '+1 510 555 0100' });

  return {
    motors: motorIds.length,
    employees: employeeIds.length,
    leads: leadInputs.length,
    supportTickets: tickets.length,
    policies: policyCount,
    logisticsEntries: moves.length,
    directoryListings: listings.length,
  };
}
