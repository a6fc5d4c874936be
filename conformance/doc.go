// Package conformance holds the emulator (../emulator) to MongoDB's official
// Go clients: the Atlas Administration API v2 SDK
// (go.mongodb.org/atlas-sdk/v20250312006) and the v1.0 client
// (go.mongodb.org/atlas/mongodbatlas). Where MongoDB serves no Go client
// (Cloud Manager and Ops Manager `/api/public/v1.0`), plain net/http with the
// SDK's own Digest transport is used.
//
// The tests start one emulator (`npm run --silent emulator -- --port 0`, or
// `node dist/emulator/main.js --port 0` when CONFORMANCE_PREBUILT=1), reset it
// through its control API before each test, and never reach the internet.
// Run: `cd conformance && go test ./...`.
package conformance
