// Package directorytest provides an in-memory [directory.Directory] and the
// conformance suite every directory backend must pass.
//
// # The fake
//
// [New] returns a [Fake]: a tenant held in memory, safe for concurrent use,
// with deterministic object IDs so that examples print stable output. It is
// not only for tests: the examples of this module run on it. It enforces what
// Microsoft Entra ID enforces for the operations the SDK uses: a unique
// userPrincipalName, a UPN domain that is a verified domain of the tenant,
// Entra's password complexity, one role assignment per (principal, role,
// scope), and not-found errors for unknown principals and role definitions
// (only the built-in roles of package roles exist). It can simulate
// replication lag: a user created moments ago stays unknown to role
// assignment for [Options.ReplicationLag], and invisible to reads for
// [Options.ReadLag]. Faults are injected with [Fake.SetFault].
//
// It can also act out what people do in the customer-consent procedure, so
// that the whole flow runs offline: the service account's first sign-in
// changes its password ([Fake.SignIn]), its owner registers an MFA method
// ([Fake.RegisterMethod]), an admin disables it ([Fake.SetAccountEnabled])
// or assigns it a role by hand (plain [Fake.CreateRoleAssignment]).
//
// What it cannot do: custom role definitions, administrative units,
// soft-deleted users and their restore, licenses, conditional access, and
// anything the SDK does not call. Its IDs are deterministic, not random.
//
// # The conformance suite
//
// [TestDirectory] runs one subtest per behaviour of the [directory.Directory]
// contract against a backend, checking both the error class ([errors.Is])
// and that the message names the object. Run it from the backend's tests:
//
//	func TestConformance(t *testing.T) {
//		directorytest.TestDirectory(t, func(t *testing.T) directory.Directory {
//			return newBackendForTest(t)
//		})
//	}
package directorytest
