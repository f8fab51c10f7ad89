package sqlite

// VerificationQuery is the statement VerificationRead runs, for the
// query-plan test.
var VerificationQuery = verificationQuery
