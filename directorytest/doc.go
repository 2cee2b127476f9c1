// Package directorytest provides an in-memory [directory.Directory], the
// Fake. The conformance suite every directory backend must pass is in the
// subpackage [github.com/cloudhub/consent/directorytest/conformance].
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
// # Denials
//
// [PermissionDenied] makes the error a backend gives when the credential may
// not do an operation; a [FaultFunc] returns it to act out a credential
// without some permission. Like the Microsoft Graph backend's, it says what
// the operation needed ([directory.RequirementOf], [Op.Requirement]).
//
// # The conformance suite
//
// The suite lives in its own package,
// [github.com/cloudhub/consent/directorytest/conformance], so that this one
// imports neither package testing nor go-cmp: a program that runs on the
// Fake (the onboard example does) links neither. The suite needs testing
// (it is a tree of t.Run subtests, unlike [testing/fstest.TestFS], which
// returns an error), so it is kept apart the way Go CDK keeps
// blob/drivertest apart from memblob. The Fake's tests run it.
package directorytest
