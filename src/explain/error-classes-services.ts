import type { ErrorRule } from "./error-rule.ts";

/**
 * Rules for failures of the things an application talks to (timeouts, databases, permissions,
 * HTTP errors, connections), checked before the language rules: their messages are specific,
 * and they appear in every SDK's wording (Node, browsers, Python, Java, Ruby, PHP, Go, .NET).
 */
export const SERVICE_RULES: ErrorRule[] = [
  {
    category: "timeout",
    match: /\btimed out\b|\btime-?out (?:of|after|exceeded|expired)|timeout of \d+ ?ms exceeded|deadline exceeded|statement timeout|Lock wait timeout exceeded|aborted due to timeout|\bE(?:SOCKET)?TIMEDOUT\b|Navigation timeout/i,
    explain: (m) => _timeout(m[0]),
  },
  _anyMessageOf(["TimeoutError", "Timeout", "ReadTimeout", "ConnectTimeout", "ReadTimeoutError", "SocketTimeoutException", "TimeoutException", "DeadlineExceeded", "QueryTimeoutException", "SoftTimeLimitExceeded", "TimeLimitExceeded"], "timeout", (type) => _timeout(type)),
  {
    category: "database",
    match: /duplicate key value violates unique constraint "([^"]+)"|UNIQUE constraint failed: ([\w.]+)|Duplicate entry '[^']*' for key '([^']+)'|E11000 duplicate key error|Unique constraint failed on the (?:fields|constraint): `?([^`)]+)/,
    explain: (m) => ({
      title: `Unique constraint violated${m[1] ?? m[2] ?? m[3] ?? m[4] ? ` (\`${m[1] ?? m[2] ?? m[3] ?? m[4]}\`)` : ""}`,
      cause: "An insert or update tried to store a value that already exists where the database requires it to be unique: the same request submitted twice, two workers creating the same row at once, or a check-then-insert without a lock.",
      fix: "Make the write idempotent (insert … on conflict, or catch the violation and read the existing row), and look for duplicate submissions in the breadcrumbs.",
    }),
  },
  {
    category: "database",
    match: /violates foreign key constraint|FOREIGN KEY constraint failed|Cannot (?:add or update|delete or update) a (?:child|parent) row/,
    explain: () => ({
      title: "Foreign key constraint violated",
      cause: "A row referred to a row that does not exist (or one still referenced was deleted): writes in the wrong order, or a parent deleted concurrently.",
      fix: "Create the referenced row first (in the same transaction), or handle the missing parent explicitly.",
    }),
  },
  {
    category: "database",
    match: /deadlock detected|Deadlock found when trying to get lock|database is locked|SQLITE_BUSY|could not serialize access/i,
    explain: () => ({
      title: "Database lock conflict",
      cause: "Two transactions waited on each other's locks (or one held the database too long): concurrent writes to the same rows in different orders.",
      fix: "Keep transactions short, touch rows in a consistent order, and retry the transaction on this error.",
    }),
  },
  {
    category: "database",
    match: /relation "([^"]+)" does not exist|no such table: (\S+)|Table '([^']+)' doesn't exist|column "([^"]+)"(?: of relation "[^"]+")? does not exist|no such column: (\S+)|Unknown column '([^']+)'/,
    explain: (m) => ({
      title: `The database schema lacks \`${m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6]}\``,
      cause: "The query names a table or column the database does not have: a migration that has not run on this database, or code deployed ahead of its migration.",
      fix: "Run the pending migration (and deploy migrations before the code that needs them).",
    }),
  },
  {
    category: "database",
    match: /could not connect to server|too many clients already|remaining connection slots are reserved|Too many connections|Can't reach database server|connection pool exhausted|QueuePool limit|Connection terminated unexpectedly|server closed the connection unexpectedly/i,
    explain: () => ({
      title: "The database connection failed",
      cause: "No connection to the database could be had: the database was down or restarting, or its connection limit (or the pool's) was reached.",
      fix: "Check the database's health and connection count at that time; size the pool below the server's limit and release connections on every path.",
    }),
  },
  _anyMessageOf(["IntegrityError", "OperationalError", "ProgrammingError", "DatabaseError", "QueryFailedError", "SequelizeDatabaseError", "PrismaClientKnownRequestError", "SQLException", "PSQLException", "SqliteError", "DataIntegrityViolationException", "MongoServerError", "ActiveRecord::StatementInvalid", "PDOException"], "database", (type) => ({
    title: `Database error (\`${type}\`)`,
    cause: "The database refused the query: the message says whether it was the data (a constraint), the schema (a missing table or column) or the connection.",
    fix: "Log the failing statement with its parameters, and handle the expected refusals (constraints) explicitly.",
  })),
  {
    category: "permission",
    match: /\bE(?:ACCES|PERM)\b|Permission denied|permission denied for (?:table|relation|schema|database) \S+|\[Errno 13\]|Access is denied|access denied|AccessDenied|status code 40[13]\b|\b40[13] (?:Client Error|Forbidden|Unauthorized)|Insufficient permissions|not authorized to perform/i,
    explain: (m) => ({
      title: /40[13]|unauthori|not authorized/i.test(m[0]) ? "Not authorized" : "Permission denied",
      cause: "The operation was refused for lack of rights: a file or directory the process user cannot access, a database role without the grant, or a request whose credentials (token, session) were missing, expired or lacked the scope.",
      fix: "Check which identity the code ran as and what it was allowed at that time; refresh expired credentials before retrying.",
    }),
  },
  _anyMessageOf(["PermissionError", "PermissionDenied", "AccessDeniedException", "SecurityException", "UnauthorizedAccessException", "NotAllowedError", "SecurityError", "Forbidden", "AuthorizationError"], "permission", (type) => ({
    title: `Permission denied (\`${type}\`)`,
    cause: "The runtime or a service refused the operation for lack of rights (a browser permission, a file, a role or an expired credential).",
    fix: "Check the permission the code needs at that point and handle the refusal instead of assuming it is granted.",
  })),
  {
    category: "http-error",
    match: /(?:status code|HTTP(?: error)?|Response code) ?:? ?(5\d\d|4\d\d)\b|\b(5\d\d|4\d\d) (?:Server Error|Client Error)/i,
    explain: (m) => ({
      title: `The upstream answered HTTP ${m[1] ?? m[2]}`,
      cause: `A request this code made got status ${m[1] ?? m[2]}, and the client library turned it into an exception: ${Number(m[1] ?? m[2]) >= 500 ? "the service failed" : "the request was wrong (URL, payload) or the resource is gone"}.`,
      fix: "Look at that service's errors at the same time; handle this status explicitly (retry 5xx with backoff when idempotent, report 4xx as a bug in the request).",
    }),
  },
  {
    types: ["ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "UnknownHostException", "ConnectException", "HttpRequestException", "SocketException", "NetworkError", "AxiosError"],
    category: "network",
    match: /refused|reset|unreachable|resolve|Network Error|Max retries exceeded|Name or service not known|No address associated|socket/i,
    explain: () => _network(),
  },
  {
    category: "network",
    match: /socket hang up|Connection reset by peer|Connection refused|Name or service not known|No address associated with hostname|Network is unreachable/i,
    explain: () => _network(),
  },
];

/** Language and runtime classes beyond JavaScript's and Python's own messages: Java, .NET, Ruby, PHP, Go, Swift. */
export const RUNTIME_RULES: ErrorRule[] = [
  {
    types: ["NullPointerException", "NullReferenceException", "KotlinNullPointerException"],
    category: "null-access",
    match: /(?:because "([^"]+)" is null)?/,
    explain: (m) => _nullAccess(m[1]),
  },
  {
    category: "null-access",
    match: /undefined method [`']([^`']+)' for nil|on null\b|of non-object|nil pointer dereference|Unexpectedly found nil|Object reference not set to an instance|Cannot convert undefined or null to object|no implicit conversion of nil/,
    explain: () => _nullAccess(undefined),
  },
  {
    types: ["ArrayIndexOutOfBoundsException", "IndexOutOfBoundsException", "StringIndexOutOfBoundsException", "ArgumentOutOfRangeException", "IndexError", "RangeError"],
    category: "out-of-range",
    match: /out of (?:bounds|range)|outside of array bounds|Invalid array length|must be between|Invalid count value|Invalid string length|index \S+ out/i,
    explain: () => ({
      title: "Index or value out of range",
      cause: "An index, length or numeric argument was outside what the collection or function accepts: an empty or shorter result than expected, an off-by-one, or a computed size gone wrong.",
      fix: "Check the bounds (or the empty case) before indexing, and validate computed sizes.",
    }),
  },
  {
    category: "out-of-range",
    match: /index out of range \[\d+\] with length \d+|index out of bounds: the len is/,
    explain: () => ({
      title: "Index out of range",
      cause: "The code indexed past the end of a slice or array: an empty result, or an off-by-one.",
      fix: "Check the length first before indexing.",
    }),
  },
  {
    types: ["ArithmeticException", "DivideByZeroException"],
    category: "division-by-zero",
    match: /by zero|divide/i,
    explain: () => ({ title: "Division by zero", cause: "A divisor was zero: an empty collection's count, or an unset quantity.", fix: "Guard the zero case explicitly." }),
  },
  {
    category: "division-by-zero",
    match: /integer divide by zero/,
    explain: () => ({ title: "Division by zero", cause: "A divisor was zero: an empty collection's count, or an unset quantity.", fix: "Guard the zero case explicitly." }),
  },
  _anyMessageOf(["ValueError", "NumberFormatException", "FormatException", "IllegalArgumentException", "ArgumentException", "InvalidOperation", "DateTimeParseException"], "value", (type) => ({
    title: `A value of the right type but the wrong content (\`${type}\`)`,
    cause: "The code received a value it cannot use: text that is not a number or a date in the expected format, or an argument outside the allowed set, usually straight from user input or another service.",
    fix: "Validate and convert the input where it enters the system, and answer bad input with a clear error instead of failing deeper down.",
  })),
  {
    types: ["RangeError"],
    category: "value",
    match: /Invalid time value|Invalid Date|Incorrect locale|Invalid (?:currency|time ?zone)/i,
    explain: () => ({
      title: "Invalid date or format value",
      cause: "A date (or locale/currency) value could not be used: `new Date(…)` got text it cannot parse, producing an Invalid Date that failed when formatted.",
      fix: "Parse dates with an explicit format and check `isNaN(date.getTime())` before formatting.",
    }),
  },
  {
    types: ["TypeError", "ClassCastException", "InvalidCastException", "TypeMismatchError"],
    category: "type",
    match: /unsupported operand|can only concatenate|object is not (?:subscriptable|callable|iterable)|argument must be|must be (?:str|int|a string|a number|real number)|required positional argument|unexpected keyword argument|cannot be cast|Unable to cast|Assignment to constant|Converting circular structure/,
    explain: (m) => ({
      title: "A value of the wrong type",
      cause: `An operation got a value of a type it does not accept (${m[0]}): a number that arrived as text, a wrong argument, or an object where a plain value was expected.`,
      fix: "Convert the value where it enters (parse numbers, validate shapes), and check the call's signature.",
    }),
  },
  _anyMessageOf(["JSONDecodeError", "JsonSyntaxException", "JsonParseException", "JsonEOFException", "MismatchedInputException", "JsonException", "JsonReaderException", "JSON::ParserError", "SerializationException"], "json", () => _notJson()),
  {
    category: "json",
    match: /invalid character '.' looking for beginning of value|json: cannot unmarshal|Expected BEGIN_(?:OBJECT|ARRAY) but was|Unexpected character \(.*\) at position|JSON::ParserError|Syntax error, malformed JSON/,
    explain: () => _notJson(),
  },
  {
    types: ["KeyError", "NoSuchElementException"],
    category: "missing-key",
    match: /key not found|[\s\S]*/,
    explain: () => ({
      title: "A missing key or element",
      cause: "A lookup asked for a key or element that was not there: input without that field, or an empty result.",
      fix: "Use a lookup with a default, or validate the input shape where it enters.",
    }),
  },
];

// --- Internal ---

/** A rule for exception classes that say what they are whatever their message. */
function _anyMessageOf(types: string[], category: ErrorRule["category"], words: (type: string) => ReturnType<ErrorRule["explain"]>): ErrorRule {
  return { types, category, match: /[\s\S]*/, explain: (_m, _line, type) => words(type) };
}

function _notJson() {
  return {
    title: "Text that is not the expected JSON",
    cause: "A body was parsed as JSON but was empty, HTML, plain text or JSON of another shape: usually an error response (or a proxy's page) read as if it were the success payload.",
    fix: "Check the status code and content type before parsing, and log the start of the body when parsing fails.",
  };
}

function _timeout(what: string) {
  return {
    title: "An operation timed out",
    cause: `A call did not finish in time (${what}): the service or database it waited on was slow or overloaded, a query had no index, or the timeout is shorter than the work needs.`,
    fix: "Find which call timed out (the last request or query in the breadcrumbs) and how long it took; fix the slow side, and retry idempotent calls with backoff.",
  };
}

function _network() {
  return {
    title: "A network connection failed",
    cause: "No response came back: the service was down or unreachable, the connection was reset, or its host name did not resolve.",
    fix: "Check the target's availability and the configured address at that time; retry idempotent calls with backoff.",
  };
}

function _nullAccess(expression: string | undefined) {
  return {
    ...(expression ? { expression } : {}),
    title: "A null value was used as an object",
    cause: `${expression ? `\`${expression}\`` : "A value"} was null (nil, None) where the code called a method or read a field on it: a lookup that found nothing, data not loaded yet, or an optional field left unset.`,
    fix: `Check where ${expression ? `\`${expression}\`` : "the value"} comes from; handle the missing case explicitly before this line.`,
  };
}
