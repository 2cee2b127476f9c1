package directorytest_test

import (
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

func TestFakeConformance(t *testing.T) {
	directorytest.TestDirectory(t, func(t *testing.T) directory.Directory {
		return directorytest.New(nil)
	})
}

// The fake without its optional interfaces exercises the fallbacks in
// package directory.
type primitivesOnly struct{ directory.Directory }

func TestPrimitivesOnlyConformance(t *testing.T) {
	directorytest.TestDirectory(t, func(t *testing.T) directory.Directory {
		return primitivesOnly{directorytest.New(nil)}
	})
}
