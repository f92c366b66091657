export { ApiError, errors, type ErrorDetails, type ErrorKind } from "./api-error";
export { codeFor, contractOf, kindForStatus, ERROR_CODES, type Contract } from "./codes";
