/**
 * QBO Fault bodies. Codes, HTTP statuses and shapes follow the QBO reference §5.2/§5.3;
 * where the reference leaves a choice open the comment at the code says which one we made.
 */
import type { JsonObject } from "./json";

export type FaultType = "ValidationFault" | "SystemFault" | "AuthenticationFault" | "AuthorizationFault";

export interface QboFaultError {
  Message: string;
  Detail: string;
  code: string;
  element: string;
}

/** Thrown inside the emulator's write/query paths; rendered as `{ Fault, time }`. */
export class QboFault extends Error {
  constructor(
    readonly httpStatus: number,
    readonly faultType: FaultType,
    readonly errors: QboFaultError[],
  ) {
    super(errors[0]?.Message ?? "Fault");
  }

  get code(): string {
    return this.errors[0]?.code ?? "";
  }

  toBody(time: string): JsonObject {
    return {
      Fault: {
        Error: this.errors.map((e) => ({ Message: e.Message, Detail: e.Detail, code: e.code, element: e.element })),
        type: this.faultType,
      },
      time,
    };
  }
}

function validation(code: string, message: string, detail: string, element = ""): QboFault {
  return new QboFault(400, "ValidationFault", [{ Message: message, Detail: detail, code, element }]);
}

export const faults = {
  /** 500: bad path or operation (reference §5.3). */
  unsupportedOperation: (detail: string) => validation("500", "Unsupported Operation", detail),
  /** 600: same requestid with a different request (reference §6 lists the code; when it fires is [I]). */
  duplicateRequestId: (requestId: string) =>
    validation("600", "Duplicate Request ID", `Request ID ${requestId} already exists for a different request. Duplicate detected.`),
  /** 610: the Id does not exist, or the referenced object is inactive/deleted (reference §5.3). */
  objectNotFound: (entity: string, id: string, element = "") =>
    validation(
      "610",
      "Object Not Found",
      `Object Not Found : Something you're trying to use has been made inactive or deleted. ${entity} Id ${id}.`,
      element,
    ),
  /** 2010: a value QBO cannot parse (e.g. an impossible TxnDate). */
  invalidProperty: (element: string, detail: string) =>
    validation("2010", "Request has invalid or unsupported property", detail, element),
  /** 2020: a required field is missing (reference §5.3). */
  requiredMissing: (element: string) =>
    validation(
      "2020",
      "Required param missing, need to supply the required value for the API",
      `Required parameter ${element} is missing in the request`,
      element,
    ),
  /** 2040: `:`, tab or newline in a name; `:` is QBO's hierarchy separator (reference §5.3). */
  invalidString: (element: string) =>
    validation("2040", "Invalid String", `String contains invalid characters (colon, tab or newline are not allowed): ${element}`, element),
  /** 2050: exact Detail wording from the ruckus/quickbooks-ruby fixture quoted in reference §5.3. */
  stringTooLong: (element: string, max: number, supplied: number) =>
    validation(
      "2050",
      "String length is either shorter or longer than supported by specification",
      `String length specified does not match the supported length. Min:0 Max:${max} supported. Supplied length:${supplied}`,
      element,
    ),
  /** 2170: e.g. a client sending HAS_BEEN_BILLED (reference §2.1). */
  invalidEnumeration: (element: string, value: string) =>
    validation("2170", "Invalid Enumeration", `Invalid Enumeration : ${value}`, element),
  /** 2500: a reference to an Id that does not exist (or of the wrong kind). */
  invalidReference: (element: string, id: string) =>
    validation("2500", "Invalid Reference Id", `Invalid Reference Id : ${element} ${id} does not exist`, element),
  queryParser: (detail: string) => validation("4000", "Error parsing query", `QueryParserError: ${detail}`),
  /** 4001 with the raw Detail text of ruckus/quickbooks-ruby#403 (reference §3). */
  queryValidation: (detail: string) => validation("4001", "Invalid query", `QueryValidationError: ${detail}`),
  notQueryable: (property: string) =>
    validation("4001", "Invalid query", `QueryValidationError: property '${property}' is not queryable`),
  /** 5010: SyncToken out of date (reference §2.0). */
  staleObject: () =>
    validation(
      "5010",
      "Stale Object Error",
      "Stale Object Error : You and another user were working on the same thing. The other user finished before you did, so your work was not saved.",
      "SyncToken",
    ),
  /** 5020: feature off in this company; our choice for TimeActivity writes with time tracking off. */
  permissionDenied: (detail: string) => validation("5020", "Permission Denied Error", detail),
  /** 6000: generic business validation; used where the reference has no dedicated code. */
  businessValidation: (detail: string, element = "") =>
    validation("6000", "A business validation error has occurred while processing your request", `Business Validation Error: ${detail}`, element),
  /** 6210: a write dated on or before `BookCloseDate` (reference §2.6). */
  accountPeriodClosed: (bookCloseDate: string) =>
    validation(
      "6210",
      "Account Period Closed",
      `The account period has closed and the books are closed as of ${bookCloseDate}. Change the transaction date or re-open the books.`,
      "TxnDate",
    ),
  /** 6240: Detail copied from the reference §5.2 sample. */
  duplicateDisplayName: () =>
    validation(
      "6240",
      "Duplicate Name Exists Error",
      "The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.",
    ),
  duplicateItemName: () =>
    validation(
      "6240",
      "Duplicate Name Exists Error",
      "The name supplied already exists. : Another product or service is already using this name. Please use a different name.",
    ),
  /** 6290/6300: TimeActivity employee-or-vendor conflict / NameOf missing or invalid (reference §5.3). */
  employeeVendorConflict: (detail: string) => validation("6290", "Employee or Vendor missing or conflicting", detail),
  nameOfInvalid: () => validation("6300", "Invalid NameOf", "NameOf must be Employee or Vendor", "NameOf"),
  /** 6310/6320/6330: billable TimeActivity rules (reference §2.1). */
  missingCustomer: () => validation("6310", "MissingCustomer", "A billable time activity needs a customer (CustomerRef).", "CustomerRef"),
  invalidBillable: (detail: string) => validation("6320", "InvalidBillable", detail, "BillableStatus"),
  missingBillingRate: () => validation("6330", "MissingBillingRate", "Invalid hourly rate: a billable time activity needs HourlyRate.", "HourlyRate"),
  /** 6340-6390: TimeActivity time errors (reference §2.1). */
  invalidTime: (element: string, detail: string) => validation("6340", "InvalidTime", detail, element),
  missingTime: () => validation("6350", "MissingTime", "Provide Hours/Minutes or StartTime/EndTime."),
  invalidStartOrEndTime: (element: string) => validation("6360", "InvalidStartOrEndTime", `${element} is not a valid datetime`, element),
  startAfterEnd: () => validation("6370", "StartTimeAfterEndTime", "StartTime must be before EndTime.", "StartTime"),
  invalidDuration: (element: string, detail: string) => validation("6380", "InvalidDuration", detail, element),
  multipleDurations: () =>
    validation("6390", "InvalidMultipleDurations", "Give either Hours/Minutes or StartTime/EndTime, not both."),
  /** 6430: an Item IncomeAccountRef that is not an income account (code choice is [I] in reference §5.3). */
  invalidAccountType: (element: string) =>
    validation("6430", "Invalid account type", "The account is not of a type usable here; choose an Income account.", element),
  /**
   * 10000 on Employee create with Payroll on: the only observed fault for that situation
   * (mcohen01/node-quickbooks#113, reference §2.2). HTTP 400 so clients treat it as this item's failure.
   */
  payrollEmployeeCreate: () =>
    new QboFault(400, "SystemFault", [
      {
        Message: "System Failure Error: An application error has occurred while processing your request",
        Detail: "System Failure Error: Payroll call failed with no information. Employees are managed by QuickBooks Payroll in this company.",
        code: "10000",
        element: "",
      },
    ]),
  serverError: () =>
    new QboFault(500, "SystemFault", [
      {
        Message: "An application error has occurred while processing your request",
        Detail: "System Failure Error: An unexpected error occurred while accessing or saving your data.",
        code: "10000",
        element: "",
      },
    ]),
  /** 403/3100: token for another company (reference §5.3). */
  authorizationFailed: () =>
    new QboFault(403, "AuthorizationFault", [
      {
        Message: "message=AuthorizationFailure; errorCode=003100; statusCode=403",
        Detail: "AuthorizationFailure: the token does not grant access to this company",
        code: "3100",
        element: "",
      },
    ]),
};

/**
 * 401 gateway fault in the lower-case shape of routablehq/python-quickbooks#250 (reference §5.2):
 * the gateway, not the QBO app, answers auth failures.
 */
export function authenticationFailedBody(time: string): JsonObject {
  return {
    fault: {
      error: [
        {
          message: "message=AuthenticationFailed; errorCode=003200; statusCode=401",
          detail: "Token expired or invalid",
          code: "3200",
        },
      ],
      type: "AUTHENTICATION",
    },
    time,
  };
}

/** 429 throttle body, JSON flavour (reference §5.1). */
export function throttleJsonBody(time: string, detail: string): JsonObject {
  return {
    Fault: {
      Error: [{ Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", Detail: detail, code: "3001", element: "" }],
      type: "SERVICE",
    },
    time,
  };
}

/** 429 throttle body as XML even when JSON was requested (reference §5.1, PHP SDK #54). */
export function throttleXmlBody(time: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">` +
    `<Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message></Error></Fault>` +
    `</IntuitResponse>`
  );
}
