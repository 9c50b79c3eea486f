// Benchmark: mapping suggestions for 1,000 actiTIME entities against 5,000 QBO entities
// (product spec §1 sizes, scaled up). The data is generated from a fixed seed, so every run
// measures the same work. Run directly with `npx tsx tests/bench/suggest.ts`, or call
// benchSuggest() from a bench runner.
import { pathToFileURL } from "node:url";
import type { QboDirectory } from "@/lib/mapping/directory";
import { suggestRules, type Suggestion, type SuggestRulesInput } from "@/lib/mapping/suggest";
import { createPrng } from "@/lib/prng";

export const BENCH_ACTITIME_ENTITY_COUNT = 1_000;
export const BENCH_QBO_ENTITY_COUNT = 5_000;
const BENCH_SEED = 20_240_601;

const FIRST_NAMES = [
  "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
  "Marco", "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena",
  "Yusuf", "Zoë", "José", "Søren", "Łukasz", "Chloé", "Björn", "Aisha", "Mateo", "Priya", "Kenji", "Olga",
];
const LAST_NAMES = [
  "Müller", "Smith", "Chen", "García", "Okafor", "Novak", "Rossi", "Kowalski", "Dubois", "Tanaka",
  "Johansson", "Silva", "Nguyen", "O'Brien", "Schmidt", "Hernández", "Ivanova", "Kim", "Patel", "Larsen",
  "Fischer", "Moreau", "Costa", "Yilmaz", "Haddad", "Andersen", "Lopez", "Wright", "Sato", "Berg",
];
const COMPANY_WORDS = [
  "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli", "Vandelay", "Soylent",
  "Cyberdyne", "Tyrell", "Oscorp", "Gringotts", "Monarch", "Aperture", "Blue", "Ridge", "North", "Harbor",
  "Summit", "Pioneer", "Atlas", "Cedar", "Falcon", "Granite", "Horizon", "Ivory", "Juniper", "Keystone",
];
const COMPANY_TAILS = ["Inc", "LLC", "Ltd", "Corporation", "Group", "Partners", "Holdings", "Co", "", ""];
const PROJECT_WORDS = [
  "Website", "Redesign", "Migration", "Audit", "Rollout", "Support", "Phase", "Mobile", "App", "Data",
  "Warehouse", "Onboarding", "Campaign", "Research", "Platform", "Upgrade", "Integration", "Review",
];
const SERVICE_WORDS = [
  "Consulting", "Design", "Development", "Testing", "Training", "Management", "Analysis", "Support",
  "Engineering", "Research", "Writing", "Editing", "Planning", "Maintenance", "Installation", "Strategy",
];
const LEAVE_WORDS = ["Vacation", "Sick Leave", "Holiday", "Parental Leave", "Time Off", "Jury Duty", "Training Day"];


function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** The actiTIME spelling of a QBO name: as is, reordered, unaccented, re-cased or with a typo. */
function variant(random: () => number, name: string): string {
  const roll = random();
  if (roll < 0.3) return name;
  if (roll < 0.45) return name.split(" ").reverse().join(" ");
  if (roll < 0.6) return name.normalize("NFD").replace(/\p{M}+/gu, "");
  if (roll < 0.75) return name.toUpperCase();
  const at = 1 + Math.floor(random() * Math.max(1, name.length - 2));
  return name.slice(0, at) + name.slice(at + 1);
}

export function buildBenchInput(): SuggestRulesInput {
  const random = createPrng(BENCH_SEED);
  const directory: QboDirectory = {
    employees: [],
    customers: [],
    vendors: [],
    items: [],
    incomeAccounts: [
      { id: "79", name: "Sales of Product Income" },
      { id: "80", name: "Services" },
    ],
    payrollEnabled: false,
  };
  let nextQboId = 1;
  const qboId = () => String(nextQboId++);

  // 5,000 QBO entities: 1,200 employees, 600 customers + 1,800 sub-customers, 200 vendors, 1,200 items.
  for (let i = 0; i < 1_200; i += 1) {
    const name = `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)} ${i}`;
    directory.employees.push({ id: qboId(), name, email: `employee${i}@example.com`, active: random() > 0.05 });
  }
  const topLevel: { id: string; name: string }[] = [];
  for (let i = 0; i < 600; i += 1) {
    const name = `${pick(random, COMPANY_WORDS)} ${pick(random, COMPANY_WORDS)} ${i} ${pick(random, COMPANY_TAILS)}`.trim();
    const id = qboId();
    topLevel.push({ id, name });
    directory.customers.push({ id, name, fullyQualifiedName: name, active: true });
  }
  for (let i = 0; i < 1_800; i += 1) {
    const parent = topLevel[i % topLevel.length]!;
    const name = `${pick(random, PROJECT_WORDS)} ${pick(random, PROJECT_WORDS)} ${i}`;
    directory.customers.push({
      id: qboId(),
      name,
      fullyQualifiedName: `${parent.name}:${name}`,
      parentId: parent.id,
      active: random() > 0.05,
    });
  }
  for (let i = 0; i < 200; i += 1) {
    directory.vendors.push({ id: qboId(), name: `${pick(random, COMPANY_WORDS)} Supplies ${i}` });
  }
  const parentItems: { id: string; name: string }[] = [];
  for (let i = 0; i < 1_200; i += 1) {
    const isSub = i >= 200;
    const parent = isSub ? parentItems[i % parentItems.length]! : null;
    const name = `${pick(random, SERVICE_WORDS)} ${pick(random, SERVICE_WORDS)} ${i}`;
    const id = qboId();
    if (!isSub) parentItems.push({ id, name });
    directory.items.push({
      id,
      name,
      fullyQualifiedName: parent ? `${parent.name}:${name}` : name,
      parentId: parent?.id ?? null,
      type: "Service",
      active: true,
      unitPrice: 50,
    });
  }

  // 1,000 actiTIME entities, about half with a counterpart in QBO.
  const users = Array.from({ length: 350 }, (_, i) => {
    const employee = directory.employees[(i * 7) % directory.employees.length]!;
    if (i % 3 === 0) return { id: 1 + i, fullName: `Someone New ${i}`, email: `employee${(i * 7) % 1_200}@example.com` };
    if (i % 3 === 1) return { id: 1 + i, fullName: variant(random, employee.name) };
    return { id: 1 + i, fullName: `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)} x${i}` };
  });
  const projects = Array.from({ length: 450 }, (_, i) => {
    const sub = directory.customers[600 + ((i * 11) % 1_800)]!;
    const parentName = sub.fullyQualifiedName.split(":")[0]!;
    if (i % 3 === 0) return { id: 1 + i, name: variant(random, sub.name), customerId: 1 + (i % 120), customerName: parentName };
    if (i % 3 === 1) return { id: 1 + i, name: `${pick(random, PROJECT_WORDS)} New ${i}`, customerId: 1 + (i % 120), customerName: parentName };
    return { id: 1 + i, name: `${pick(random, PROJECT_WORDS)} Other ${i}`, customerId: 500 + i, customerName: `Unknown Client ${i}` };
  });
  const typesOfWork = Array.from({ length: 150 }, (_, i) => {
    const item = directory.items[(i * 13) % directory.items.length]!;
    const name = i % 2 === 0 ? variant(random, item.name) : `${pick(random, SERVICE_WORDS)} Special ${i}`;
    return { id: 1 + i, name, rate: i % 4 === 0 ? null : 40 + (i % 60), billable: i % 5 !== 0 };
  });
  const leaveTypes = Array.from({ length: 50 }, (_, i) => ({ id: 1 + i, name: `${pick(random, LEAVE_WORDS)} ${i}` }));

  return { users, projects, typesOfWork, leaveTypes, directory };
}

export function benchSuggest(): { ms: number; suggestions: Suggestion[] } {
  const input = buildBenchInput();
  const started = performance.now();
  const suggestions = suggestRules(input);
  return { ms: performance.now() - started, suggestions };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { ms, suggestions } = benchSuggest();
  const byKind = { link: 0, create: 0, skip: 0 };
  for (const suggestion of suggestions) byKind[suggestion.rule.kind] += 1;
  console.log(
    `suggestRules: ${BENCH_ACTITIME_ENTITY_COUNT} actiTIME × ${BENCH_QBO_ENTITY_COUNT} QBO entities in ${ms.toFixed(1)} ms ` +
      `(${byKind.link} link, ${byKind.create} create, ${byKind.skip} skip)`,
  );
}
