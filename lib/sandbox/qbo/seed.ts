/**
 * Deterministic seed companies. Names are deliberately *almost* those of a consultancy actiTIME
 * seed ("José Müller" → "Jose Muller", "Acme Corp" → "ACME Corporation") so suggestion matching
 * has realistic near-misses to work on.
 */
import { Company, type CompanySettings, type WriteContext } from "./company";
import type { JsonObject } from "./json";

export interface AccountSeed {
  Name: string;
  AccountType: string;
  AccountSubType?: string;
  Active?: boolean;
}

export interface EmployeeSeed {
  GivenName: string;
  FamilyName: string;
  DisplayName?: string;
  Email?: string;
  Active?: boolean;
}

export interface CustomerSeed {
  DisplayName: string;
  /** DisplayName of the parent customer; makes this a sub-customer (Job). */
  parent?: string;
  CompanyName?: string;
  Active?: boolean;
}

export interface VendorSeed {
  DisplayName: string;
  Active?: boolean;
}

export interface ItemSeed {
  Name: string;
  /** Name of the parent item; makes this a sub-item. */
  parent?: string;
  /** Name of an Income account. */
  incomeAccount: string;
  UnitPrice?: number;
  Description?: string;
  Active?: boolean;
}

/** A Class or Department (Location); `parent` names the parent's Name [I: shape, see company.ts]. */
export interface DimensionSeed {
  Name: string;
  parent?: string;
  Active?: boolean;
}

export interface CompanySeed {
  realmId?: string;
  companyName: string;
  settings?: Partial<Omit<CompanySettings, "defaultTimeItemId">>;
  /** Item name used when a TimeActivity has no ItemRef (reference §8); default "Hours" if seeded. */
  defaultTimeItem?: string;
  accounts?: AccountSeed[];
  employees?: EmployeeSeed[];
  customers?: CustomerSeed[];
  vendors?: VendorSeed[];
  items?: ItemSeed[];
  classes?: DimensionSeed[];
  departments?: DimensionSeed[];
}

export const SANDBOX_CONSULTING_REALM_ID = "9130350000000001";
export const NORTHWIND_PAYROLL_REALM_ID = "9130350000000002";

export const DEFAULT_COMPANY_SETTINGS: CompanySettings = {
  payroll: false,
  timeTracking: true,
  bookCloseDate: null,
  useServices: true,
  billCustomers: true,
  defaultTimeItemId: null,
  classTracking: false,
  trackDepartments: false,
};

const STANDARD_ACCOUNTS: AccountSeed[] = [
  { Name: "Services", AccountType: "Income", AccountSubType: "ServiceFeeIncome" },
  { Name: "Consulting Income", AccountType: "Income", AccountSubType: "ServiceFeeIncome" },
  { Name: "Sales of Product Income", AccountType: "Income", AccountSubType: "SalesOfProductIncome" },
  { Name: "Legacy Revenue", AccountType: "Income", AccountSubType: "ServiceFeeIncome", Active: false },
  { Name: "Checking", AccountType: "Bank", AccountSubType: "Checking" },
  { Name: "Accounts Receivable (A/R)", AccountType: "Accounts Receivable", AccountSubType: "AccountsReceivable" },
  { Name: "Cost of Labor", AccountType: "Cost of Goods Sold", AccountSubType: "CostOfLaborCos" },
  { Name: "Office Expenses", AccountType: "Expense", AccountSubType: "OfficeGeneralAdministrativeExpenses" },
  { Name: "Payroll Expenses", AccountType: "Expense", AccountSubType: "PayrollExpenses" },
];

export const SEED_COMPANIES: CompanySeed[] = [
  {
    realmId: SANDBOX_CONSULTING_REALM_ID,
    companyName: "Sandbox Consulting LLC",
    settings: { payroll: false, timeTracking: true, bookCloseDate: null },
    defaultTimeItem: "Hours",
    accounts: STANDARD_ACCOUNTS,
    employees: [
      { GivenName: "Jose", FamilyName: "Muller", Email: "jose.muller@sandbox-consulting.test" },
      { GivenName: "Sarah", FamilyName: "O'Brien", Email: "sarah.obrien@sandbox-consulting.test" },
      { GivenName: "Wei", FamilyName: "Chen", DisplayName: "Chen Wei", Email: "chen.wei@sandbox-consulting.test" },
      { GivenName: "Emily", FamilyName: "Johnson", Email: "emily.johnson@sandbox-consulting.test" },
      { GivenName: "Michael", FamilyName: "Brown" },
      { GivenName: "Tom", FamilyName: "Baker", Active: false },
      // Near-misses of actiTIME seed users (Siobhán O'Brien, Zoë Lambert, Robert J Smith by e-mail).
      { GivenName: "Siobhan", FamilyName: "OBrien" },
      { GivenName: "Zoe", FamilyName: "Lambert" },
      { GivenName: "Bob", FamilyName: "Smith", Email: "bob.smith@halepartners.test" },
    ],
    customers: [
      { DisplayName: "ACME Corporation", CompanyName: "ACME Corporation" },
      { DisplayName: "Mobile App", parent: "ACME Corporation" },
      { DisplayName: "Support Retainer", parent: "ACME Corporation" },
      { DisplayName: "Globex", CompanyName: "Globex Inc." },
      { DisplayName: "Website Redesign", parent: "Globex" },
      { DisplayName: "Initech" },
      { DisplayName: "Stark Industries" },
      { DisplayName: "Wayne Enterprises", Active: false },
      // Near-misses of actiTIME seed customers (O'Reilly & Sons, Müller Logistik GmbH, Northwind Traders).
      { DisplayName: "OReilly and Sons" },
      { DisplayName: "Muller Logistik GmbH", CompanyName: "Muller Logistik GmbH" },
      { DisplayName: "Northwind Traders Inc.", CompanyName: "Northwind Traders Inc." },
    ],
    vendors: [{ DisplayName: "Freelance Dev Co" }, { DisplayName: "Jane Contractor" }],
    items: [
      { Name: "Hours", incomeAccount: "Services", UnitPrice: 0, Description: "Default time item" },
      { Name: "Development", incomeAccount: "Services", UnitPrice: 150 },
      { Name: "Backend Development", parent: "Development", incomeAccount: "Services", UnitPrice: 160 },
      { Name: "Frontend Development", parent: "Development", incomeAccount: "Services", UnitPrice: 140 },
      { Name: "Consulting Services", incomeAccount: "Consulting Income", UnitPrice: 175 },
      { Name: "Design", incomeAccount: "Services", UnitPrice: 120 },
      { Name: "Vacation", incomeAccount: "Services", UnitPrice: 0 },
      { Name: "Sick Leave", incomeAccount: "Services", UnitPrice: 0 },
      { Name: "Legacy Support", incomeAccount: "Services", UnitPrice: 90, Active: false },
    ],
    // Tracking stays off (settings) until turned on from the control page: the lists exist either way.
    classes: [{ Name: "Consulting" }, { Name: "Development" }, { Name: "Mobile", parent: "Development" }, { Name: "Retired", Active: false }],
    departments: [{ Name: "Boston" }, { Name: "Remote" }, { Name: "London", Active: false }],
  },
  {
    realmId: NORTHWIND_PAYROLL_REALM_ID,
    companyName: "Northwind Payroll Co",
    settings: { payroll: true, timeTracking: true, bookCloseDate: "2025-12-31" },
    defaultTimeItem: "Hours",
    accounts: STANDARD_ACCOUNTS,
    employees: [
      { GivenName: "Anna", FamilyName: "Schmidt", Email: "anna.schmidt@northwind.test" },
      { GivenName: "Peter", FamilyName: "Novak", Email: "peter.novak@northwind.test" },
      { GivenName: "Laura", FamilyName: "Fischer" },
    ],
    customers: [
      { DisplayName: "Contoso Ltd", CompanyName: "Contoso Ltd" },
      { DisplayName: "ERP Rollout", parent: "Contoso Ltd" },
      { DisplayName: "Fabrikam" },
    ],
    vendors: [{ DisplayName: "Northwind Temps" }],
    items: [
      { Name: "Hours", incomeAccount: "Services", UnitPrice: 0 },
      { Name: "Consulting", incomeAccount: "Consulting Income", UnitPrice: 130 },
      { Name: "Implementation", incomeAccount: "Services", UnitPrice: 110 },
      { Name: "Data Migration", parent: "Implementation", incomeAccount: "Services", UnitPrice: 115 },
      { Name: "Vacation", incomeAccount: "Services", UnitPrice: 0 },
    ],
  },
];

function idByField(company: Company, kind: "Customer" | "Item" | "Account" | "Class" | "Department", field: string, value: string): string {
  const row = company.list(kind).find((r) => r[field] === value);
  const id = row?.["Id"];
  if (typeof id !== "string") throw new Error(`Seed of ${company.realmId}: ${kind} "${value}" is not defined before use`);
  return id;
}

/** Builds a company through the same validation path the API uses (as QBO's own UI would). */
export function buildCompany(seed: CompanySeed, realmId: string, ctx: WriteContext): Company {
  const company = Company.empty(realmId, seed.companyName, { ...DEFAULT_COMPANY_SETTINGS, ...seed.settings }, ctx.nowMs);
  const create = (kind: "Employee" | "Customer" | "Vendor" | "Item" | "Account" | "Class" | "Department", body: JsonObject): void => {
    const active = body["Active"];
    // Inactive rows are created active and deactivated, so children can still reference them first.
    const created = company.create(kind, { ...body, Active: true }, ctx);
    if (active === false) company.update(kind, { ...created, Active: false }, ctx);
  };
  for (const a of seed.accounts ?? STANDARD_ACCOUNTS) create("Account", { ...a });
  for (const e of seed.employees ?? []) {
    create("Employee", {
      GivenName: e.GivenName,
      FamilyName: e.FamilyName,
      ...(e.DisplayName ? { DisplayName: e.DisplayName } : {}),
      ...(e.Email ? { PrimaryEmailAddr: { Address: e.Email } } : {}),
      ...(e.Active === false ? { Active: false } : {}),
    });
  }
  for (const c of seed.customers ?? []) {
    create("Customer", {
      DisplayName: c.DisplayName,
      ...(c.CompanyName ? { CompanyName: c.CompanyName } : {}),
      ...(c.parent ? { Job: true, ParentRef: { value: idByField(company, "Customer", "DisplayName", c.parent) } } : {}),
      ...(c.Active === false ? { Active: false } : {}),
    });
  }
  for (const v of seed.vendors ?? []) create("Vendor", { DisplayName: v.DisplayName, ...(v.Active === false ? { Active: false } : {}) });
  for (const i of seed.items ?? []) {
    create("Item", {
      Name: i.Name,
      Type: "Service",
      IncomeAccountRef: { value: idByField(company, "Account", "Name", i.incomeAccount) },
      UnitPrice: i.UnitPrice ?? 0,
      ...(i.Description ? { Description: i.Description } : {}),
      ...(i.parent ? { SubItem: true, ParentRef: { value: idByField(company, "Item", "Name", i.parent) } } : {}),
      ...(i.Active === false ? { Active: false } : {}),
    });
  }
  // Created after every other list, so the Ids of the lists above stay what they were before classes existed.
  for (const [kind, list] of [["Class", seed.classes], ["Department", seed.departments]] as const) {
    for (const d of list ?? []) {
      create(kind, {
        Name: d.Name,
        ...(d.parent ? { ParentRef: { value: idByField(company, kind, "Name", d.parent) } } : {}),
        ...(d.Active === false ? { Active: false } : {}),
      });
    }
  }
  const defaultItemName = seed.defaultTimeItem ?? ((seed.items ?? []).some((i) => i.Name === "Hours") ? "Hours" : undefined);
  if (defaultItemName) company.settings.defaultTimeItemId = idByField(company, "Item", "Name", defaultItemName);
  return company;
}
