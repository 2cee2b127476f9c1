// Package mockdir holds a gomock mock of a directory that can read
// snapshots, for the tests of package serviceaccount that must pin exactly
// which calls are made (a converged account costs one read and no writes).
// Other tests use the in-memory fake of package directorytest.
package mockdir

import "github.com/cloudhub/consent/directory"

//go:generate go run go.uber.org/mock/mockgen@v0.6.0 -destination=mock_directory.go -package=mockdir -write_package_comment=false -mock_names=SnapshotDirectory=MockDirectory github.com/cloudhub/consent/serviceaccount/internal/mockdir SnapshotDirectory

// SnapshotDirectory is a [directory.Directory] that implements the optional
// [directory.Snapshotter], the way the in-memory fake and the Graph backend
// do.
type SnapshotDirectory interface {
	directory.Directory
	directory.Snapshotter
}
