// Package verify checks a customer-consent service account: the account
// the customer created (by hand, or with package serviceaccount) for the
// partner's tool, before the partner onboards the tenant.
//
// # Rules
//
// [Verifier.Verify] returns a [Report] with one [Check] per rule, each with
// a stable ID, a status, the evidence and a remediation a person can follow:
//
//   - account.exists: the user exists.
//   - account.enabled: accountEnabled is true.
//   - account.member: userType is Member, not Guest.
//   - account.cloud-only: not synchronised from on-premises (onPremisesSyncEnabled).
//   - account.usage-location: usageLocation is set, and equals the expected one when given.
//   - password.changed: lastPasswordChangeDateTime is later than createdDateTime: the first sign-in replaced the temporary password.
//   - mfa.registered: a second factor is registered (Microsoft Authenticator, phone, FIDO2, software or hardware OATH, Windows Hello for Business, platform credential, external method); password, temporary access pass and email (self-service password reset only) are not; a method type this package does not know makes the check unknown unless a known second factor is also registered.
//   - roles.assigned: every expected role is assigned at tenant scope "/".
//   - roles.least-privilege: no role assignment beyond the expected ones, at any scope.
//   - roles.no-unexpected-privileged: no unexpected role that Microsoft marks privileged (a louder, critical finding).
//   - roles.privileged-expected: a warning when the expected roles include privileged ones.
//
// # Verify as the account
//
// [Verifier.VerifySelf] is the procedure's own verification: signed in as
// the service account (a delegated credential, device code or browser),
// with no credential of the customer's. It reads only what the account may
// read about itself (its user object, its authentication methods, its role
// assignments, or, when the role-assignment list is denied, its directory
// role memberships), and adds one rule:
//
//   - account.identity: the signed-in account is the expected one (ID and
//     userPrincipalName, when given); critical.
//
// Its report has Mode ModeSelf, carries the tenant ID the token belongs to,
// and lists in Report.NotVisible what the account cannot see about itself by
// design (eligible PIM assignments; custom roles and administrative-unit
// roles when the roles came from memberships), each with the credential
// that could see it. Those do not count against Passed; a read that failed
// (an unknown check) does. Remediations say what the partner can do from
// its side. See VerifySelf for the exact rule of Passed.
//
// # Drift is data
//
// A disabled account or an extra role is a failed check, not an error.
// Verify's error means only that nothing could be checked. A fact that
// could not be read (for example authentication methods, when the credential
// lacks UserAuthenticationMethod.Read.All) makes its checks unknown, with a
// remediation that names what the read needed as the backend's error says it
// ([directory.RequirementOf]: permissions, and roles for a signed-in
// caller), or says to grant the needed permission when the error does not
// name it; an unknown check never passes, so [Report.Passed] is false.
//
// # Output
//
// A Report marshals to JSON with stable field names (account, checkedAt,
// passed, summary, checks; each check: id, title, status, severity,
// evidence, remediation) and prints as a table with [Report.String].
// passed and summary are derived from the checks, never read back from a
// document.
package verify
