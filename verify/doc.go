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
//   - password.changed: lastPasswordChangeDateTime is later than createdDateTime. Microsoft documents it as the last time the user changed the password or a password was created, so an administrator's reset moves it too: the evidence says "by a sign-in or an administrator's reset", and adds the last successful sign-in (signInActivity) where the credential may read it (AuditLog.Read.All, Microsoft Entra ID P1). Sign-in activity never changes the status. Not checked for a passwordless account ([serviceaccount.Account].Passwordless), whose password nobody knows.
//   - mfa.registered: a second factor is registered (Microsoft Authenticator, phone, FIDO2, software or hardware OATH, Windows Hello for Business, platform credential, external method); password, temporary access pass, email (self-service password reset only) and QR code + PIN (documented as single-factor) are not; a method type this package does not know makes the check unknown unless a known second factor is also registered. The classification follows the derived types of authenticationMethod in Microsoft Graph v1.0; hardware OATH (hardwareOathAuthenticationMethod) is listed only in beta and stays recognised.
//   - credential.registered (passwordless accounts only, onboarded with a Temporary Access Pass): a strong method (a second factor, as for mfa.registered) is registered and no usable Temporary Access Pass remains; a warning while a pass is still usable after the registration, a failure while none is registered (with the pass's validity, or saying that no usable pass is left: re-run Provision with TemporaryAccessPass.Renew). A pass whose usability the backend does not report counts as usable.
//   - roles.assigned: every expected role is active at tenant scope "/", assigned to the account or to a role-assignable group it is a member of. A role that is only eligible (PIM) does not count: the partner needs it active.
//   - roles.least-privilege: no role beyond the expected ones, by any path (see Paths to a role), at any scope; an eligible role counts as held.
//   - roles.no-unexpected-privileged: no unexpected role that Microsoft marks privileged, or a custom role (which cannot be judged), by any path; eligible counts as held (a louder, critical finding).
//   - roles.privileged-expected: a warning when the expected roles include privileged ones.
//
// With serviceaccount.Account.PartnerApp set, the partner application's
// consent, read in the same call (one $batch over Microsoft Graph):
//
//   - consent.app-present: the application has an enabled service principal in the tenant.
//   - consent.scopes: delegated permission grants of the application to Microsoft Graph cover every needed scope for this account, by a grant for the account alone (consentType Principal) or tenant-wide (AllPrincipals); the evidence names the grants; a tenant-wide grant warns that it covers every user; a missing scope fails, named, with the admin-consent URL ([Options.AuthorityHost]) and Spec.GrantConsent in the remediation.
//   - consent.no-extra-scopes: a warning for scopes granted beyond the needed ones (or to another API).
//
// [Verifier.VerifySelf] runs them where the signed-in account may read
// grants (the delegated Directory.Read.All and a role Microsoft's page
// names, such as Directory Readers) and lists the consent under
// Report.NotVisible otherwise.
//
// # Verify as the account
//
// [Verifier.VerifySelf] is the procedure's own verification: signed in as
// the service account (a delegated credential, device code or browser),
// with no credential of the customer's. It reads only what the account may
// read about itself (its user object, its authentication methods, its
// memberships, and its role assignments, or, when the role-assignment list
// is denied, its administrative-unit-scoped role memberships), and adds one
// rule:
//
//   - account.identity: the signed-in account is the expected one (ID and
//     userPrincipalName, when given); critical.
//
// Its report has Mode ModeSelf, carries the tenant ID the token belongs to,
// and lists in Report.NotVisible what the account cannot see about itself by
// design (eligible PIM assignments; custom roles and administrative-unit
// roles when the roles came from memberships; which role is held through
// which role-assignable group when the list was denied, and the custom and
// eligible roles of those groups), each with the credential that could see
// it.
//
// Roles held through a role-assignable group: the memberships
// (/me/transitiveMemberOf) list the built-in roles the account holds
// directly and through its groups alike, and the groups. With the
// role-assignment list, a membership role the list lacks is held through a
// group, named when the account is in exactly one role-assignable group
// ("— through group 'Tier0 admins' (id)"), else all of them named. Without
// the list, a failing role check names the account's role-assignable
// groups and says that memberships cannot tell which holds the role. Those do not count against Passed; a read that failed
// (an unknown check) does. Remediations say what the partner can do from
// its side. See VerifySelf for the exact rule of Passed.
//
// # Paths to a role
//
// The role checks read every path by which the account holds a directory
// role, in the same call as the rest ([directory.SnapshotRequest] RolePaths;
// over Microsoft Graph, the same $batch):
//
//   - its own active assignments: roleManagement/directory/roleAssignments filtered by principalId (RoleManagement.Read.Directory);
//   - time-bound (PIM) active assignments: roleAssignmentScheduleInstances filtered by principalId (RoleAssignmentSchedule.Read.Directory or RoleManagement.Read.Directory). Microsoft documents that these include every active assignment; where the list of assignments did not return one, the instance adds it, and the evidence names its end ("active through PIM until 2027-01-31");
//   - PIM eligibility: roleEligibilitySchedules filtered by principalId (RoleEligibilitySchedule.Read.Directory or RoleManagement.Read.Directory), never the schedule requests, which Microsoft deletes after about 45 days. Evidence: "Global Administrator at / — eligible through PIM until 2027-01-31"; expired schedules are left out;
//   - role-assignable groups: the account's transitive memberships (GET /users/{id}/transitiveMemberOf/microsoft.graph.group, GroupMember.Read.All) filtered to isAssignableToRole, then each group's active assignments and eligibilities. Evidence: "Privileged Role Administrator at / — through group 'Tier0 admins' (id)";
//   - scope: "/" for the tenant, "scoped to administrative unit 'Sydney' (id)" or "scoped to application id" otherwise; names of administrative units (AdministrativeUnit.Read.All) and custom roles (RoleManagement.Read.Directory) as far as the credential can read them, IDs otherwise.
//
// A tenant without Microsoft Entra ID P2 has no PIM: Graph refuses the
// schedule reads with error code AadPremiumLicenseRequired, which the
// backend classifies as [directory.ErrNotLicensed]; the checks then pass on
// the other paths with the evidence "PIM is not available in this tenant:
// no eligible assignments possible". Any other failure to read a path makes
// roles.least-privilege and roles.no-unexpected-privileged unknown (unless
// they already fail on what could be read), with a remediation for the
// class of failure: a permission to grant, a licence the tenant lacks, a
// role the signed-in caller lacks, or a Conditional Access claims
// challenge. A directory backend that cannot read the paths at all (one
// that does not implement [directory.RolePathReader]) makes them unknown
// too.
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
