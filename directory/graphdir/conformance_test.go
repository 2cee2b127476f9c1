package graphdir_test

import (
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/graphtest"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/directorytest/conformance"
)

func TestConformance(t *testing.T) {
	conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
		return newEnv(t, nil, nil).signing()
	})
}

// Tokens whose claims cannot be read: the self path asks Graph instead.
func TestConformanceOpaqueTokens(t *testing.T) {
	conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
		return newEnv(t, &graphtest.Options{OpaqueTokens: true}, nil).signing()
	})
}

// Paging on every list, with two items a page.
func TestConformanceSmallPages(t *testing.T) {
	conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
		return newEnv(t, &graphtestOptionsPageSize2, nil).signing()
	})
}

// Fake returns the Fake behind the test server, so that the suite's
// role-path subtests can set up groups, PIM schedules, administrative
// units and custom roles, which the backend cannot write
// (conformance.Backed).
func (d signingDir) Fake() *directorytest.Fake { return d.srv.Directory() }
