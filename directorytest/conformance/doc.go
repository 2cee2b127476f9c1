// Package conformance holds the conformance suite every
// [github.com/cloudhub/consent/directory.Directory] backend must pass: one
// subtest per behaviour of the contract, each checking the error class with
// [errors.Is] and that the error message names the object.
//
// It is for tests: it imports package testing and go-cmp, which is why it
// is not part of package directorytest, whose Fake programs use outside
// tests (see Go CDK's blob/drivertest beside memblob).
//
// # Running it
//
// Run [TestDirectory] from the backend's tests, once per configuration
// worth covering (the Fake, the Fake without its optional interfaces, the
// Graph backend over graphtest, the Graph backend with two-item pages):
//
// For a [directorytest.Fake], and for a backend whose test directory
// implements [SelfSignIn], the subtest Self also covers the self path
// ([directory.SelfReader]) under the rules of directorytest's package
// documentation; a backend's own (application) credential must refuse it
// with [directory.ErrInvalid].
//
//	func TestConformance(t *testing.T) {
//		conformance.TestDirectory(t, func(t *testing.T) directory.Directory {
//			return newBackendForTest(t)
//		})
//	}
//
// # Role paths
//
// The RolePaths subtests (suite_privilege.go) cover
// [github.com/cloudhub/consent/directory.RolePathReader]: PIM eligibility
// with its start and end, time-bound active assignments, role-assignable
// groups (and groups that are not), custom roles and administrative units
// by name, a tenant without Microsoft Entra ID P2, an unknown user. They
// set up what the directory interface cannot write through the
// [github.com/cloudhub/consent/directorytest.Fake] that holds the tenant:
// the backend itself when it is a Fake, or the one its [Backed] method
// returns (the Graph backend over graphtest). They are skipped for other
// backends.
package conformance
