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
//   - mfa.enforced: MFA will be required when the account signs in: security defaults are enabled, or an enabled Conditional Access policy covers the account for every resource and requires MFA or an authentication strength (see "Sign-in policies" below).
//   - mfa.phishing-resistant: an account holding a role on CISA's highly privileged list (roles.HighlyPrivileged), actively or eligibly, has a phishing-resistant method registered (FIDO2 security key or passkey, Windows Hello for Business, platform credential) and is covered by an enabled policy requiring an authentication strength whose every combination is phishing-resistant (CISA SCuBA MS.AAD.3.6v1); not applicable (pass, saying why) for other accounts.
//   - roles.assigned: every expected role is active at tenant scope "/", assigned to the account or to a role-assignable group it is a member of. A role that is only eligible (PIM) does not count: the partner needs it active.
//   - roles.least-privilege: no role beyond the expected ones, by any path (see Paths to a role), at any scope; an eligible role counts as held.
//   - roles.no-unexpected-privileged: no unexpected role that Microsoft marks privileged, or a custom role (which cannot be judged), by any path; eligible counts as held (a louder, critical finding).
//   - roles.privileged-expected: a warning when the expected roles include privileged ones.
//
// # Sign-in policies
//
// mfa.enforced and mfa.phishing-resistant evaluate, offline, the tenant's
// security defaults, Conditional Access policies and authentication
// strengths, read in Verify's one $batch. A policy covers the account when
// its users condition includes all users, the account's object ID, one of
// its groups (transitively) or one of its directory roles, and excludes
// none of them; when it includes all resources ("All", without excluded
// resources: the SDK cannot know which applications a partner's tools sign
// in to, and Microsoft's and CISA's templates target all resources); and
// when its client app types include browser and mobile and desktop clients
// (or all). Policies for user actions or authentication contexts only are
// not sign-ins to resources and do not count. Then:
//
//   - Report-only policies never enforce: they are named in the evidence (a
//     warning when another policy enforces, a failure otherwise).
//   - Conditions that depend on the sign-in (named locations, device
//     platforms, device filters, sign-in, user, service principal and insider
//     risk, authentication flows, application filters) cannot be evaluated
//     offline: a policy that sets any of them covers the account only
//     conditionally; the check warns and its evidence names each condition.
//     So does a policy covering some resources or client apps only, one whose
//     grant accepts another control instead of MFA (operator OR), one that
//     includes (or excludes) the account only through an eligible (PIM) role,
//     a role scoped to an administrative unit or a group's role, and one whose
//     group or role condition could not be matched because the memberships
//     could not be read. Never a silent pass.
//   - A policy that certainly blocks every sign-in of the account fails
//     mfa.enforced on its own: the partner could not sign in.
//   - Policies the credential may not read (Policy.Read.All; for a signed-in
//     caller also Security Reader, Global Reader, Conditional Access
//     Administrator or Security Administrator) make the checks unknown,
//     naming what would make them readable.
//
// What they cannot see: the sign-in itself (where from, which device, which
// risk), per-user MFA (the legacy per-user setting), policies of the
// partner's own tenant (cross-tenant access settings). The account's roles
// are every path the role checks read (see Paths to a role): an eligible
// role counts as held for mfa.phishing-resistant, and makes a policy that
// includes or excludes it conditional for mfa.enforced. Sources: Microsoft's
// Conditional Access policy resource
// (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy),
// security defaults
// (https://learn.microsoft.com/entra/fundamentals/security-defaults),
// authentication strengths
// (https://learn.microsoft.com/entra/identity/authentication/concept-authentication-strengths),
// and CISA's SCuBA baseline for Microsoft Entra ID (MS.AAD.3.2v1, MS.AAD.3.6v1,
// https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md).
//
// # Partner application consent
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
// eligible roles of those groups; the tenant's sign-in policies, see
// below), each with the credential that could see it.
//
// Roles held through a role-assignable group: the memberships
// (/me/transitiveMemberOf) list the built-in roles the account holds
// directly and through its groups alike, and the groups. With the
// role-assignment list, a membership role the list lacks is held through a
// group, named when the account is in exactly one role-assignable group
// ("— through group 'Tier0 admins' (id)"), else all of them named. Without
// the list, a failing role check names the account's role-assignable
// groups and says that memberships cannot tell which holds the role.
//
// The tenant's sign-in policies take Policy.Read.All and a reader role,
// which a service account should not hold. When they are denied by design
// (a permission error, or a backend that cannot read them), a self report
// does not run mfa.enforced and lists the policies under Report.NotVisible,
// naming the credential that can read them (the customer's admin-side
// Verify); mfa.phishing-resistant judges the method half alone: not
// applicable (pass) without a highly privileged role; fail for a highly
// privileged account without a phishing-resistant method, since no policy
// can make up for it; warn for one with a method, since whether a policy
// requires it is not visible. An account that may read the policies gets
// both checks as in Verify.
//
// What is not visible by design does not count against Passed; a read
// that should have worked and failed (an unknown check) does, the sign-in
// policies' included: a transient failure to read them makes mfa.enforced
// (and mfa.phishing-resistant for a highly privileged account) unknown.
// Remediations say what the partner can do from its side. See VerifySelf
// for the exact rule of Passed.
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
//   - role-assignable groups: the account's transitive memberships (GET /users/{id}/transitiveMemberOf?$select=id,displayName,isAssignableToRole, GroupMember.Read.All; the same read gives the groups the Conditional Access evaluation needs) filtered to isAssignableToRole, then each group's active assignments and eligibilities. Evidence: "Privileged Role Administrator at / — through group 'Tier0 admins' (id)";
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
