// Package mongodb is the production store: it implements the storage
// interfaces of the credentials, keys, auth, status and anchor packages on
// MongoDB (a replica set or a sharded cluster) through mongo-driver v2.
//
// Every record has a private BSON type with toDomain/fromDomain; driver
// errors are mapped to the fault sentinels in one helper (wrap). The adapter
// uses only patterns that hold on MongoDB and on FerretDB alike (see
// DESIGN.md §7): uniqueness and allocation by inserting into a unique index,
// exactly-once claims by inserting a claim document or by DeleteOne on _id
// with DeletedCount == 1, and plain updates by _id where nobody competes. It
// uses no transactions, change streams, $inc counters or compare-and-set
// updates, because FerretDB does not make them atomic.
//
// Times are stored as BSON datetimes: UTC, whole milliseconds.
//
// The tests run against an embedded FerretDB server (package mongotest).
package mongodb
