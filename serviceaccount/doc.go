// Package serviceaccount provisions the service account a partner uses to
// manage a customer's Microsoft Entra ID tenant: it creates the account with
// a temporary password and gives it exactly the built-in roles its
// workloads need, converges it on a re-run, and removes it again.
//
// # Overview
//
// A [Spec] says what the account should be: its userPrincipalName, display
// name, mail nickname (derived from the UPN when empty), usage location,
// the workloads it manages with an access level (package
// [github.com/cloudhub/consent/roles] maps them to roles), extra roles, and
// whether privileged roles are allowed. [New] returns a [Provisioner] over
// any [directory.Directory]: the Microsoft Graph backend, or the in-memory
// fake of package [github.com/cloudhub/consent/directorytest], on which the
// examples run.
//
//   - [Provisioner.Provision] converges the directory to the spec and
//     returns a [Result] listing the changes it made.
//   - [Provisioner.Plan] returns the [Plan] of changes Provision would make,
//     without writing; it prints like a terraform plan.
//   - [Provisioner.Deprovision] removes the account's role assignments and
//     deletes it.
//
// Every Spec is validated before any directory call: UPN syntax (the
// characters Entra ID allows, including '), display name, mail nickname,
// usage location (an ISO 3166-1 alpha-2 code), workloads and roles. Each
// problem is a [*FieldError] naming the field and the value, and satisfies
// errors.Is(err, [directory.ErrInvalid]); a problem package roles found
// keeps roles' class too (errors.Is(err, [roles.ErrUnknownWorkload]),
// [roles.ErrNoReadOnlyRole], [roles.ErrUnknownRole]). A role that Microsoft
// marks privileged (Global Administrator, Privileged Role Administrator,
// Global Reader, ...) is refused unless [Spec.AllowPrivileged] is set, with
// an error that satisfies errors.Is(err, [ErrPrivileged]) and names the role
// and the workload; with it set, the role is listed as a warning in the
// Plan and the Result. The UPN's domain must
// be a verified domain of the tenant; that check needs the directory and is
// made in the same read as the rest.
//
// The same read evaluates the tenant's sign-in policies for the account, as
// package verify's mfa.enforced does: when security defaults are off and no
// enabled Conditional Access policy would certainly require MFA for the
// account (a new one: all users, or its roles), the Plan and the Result
// warn, with what would fix it, so the customer can fix it before handing
// the account over; [Spec.RequireMFAEnforced] makes that a refusal before
// any write ([ErrMFANotEnforced]). Policies the credential may not read
// (Policy.Read.All) give a warning naming the permission, and a refusal
// with RequireMFAEnforced.
//
// Failures of a step are returned as an [*Error] that names the step and the
// account and unwraps to the cause, so errors.Is classifies it with the
// directory sentinels ([directory.ErrNotFound], [directory.ErrPermission],
// ...) or the context's error.
//
// # Ownership rule
//
// Every account this package creates carries a marker in its employeeType
// property: [MarkerPrefix] followed by a random nonce unique to the creating
// call. An account is managed by this package exactly when its employeeType
// starts with MarkerPrefix ([IsManaged]). Provision converges a managed
// account; an existing account with the same UPN that is not managed (a
// person's, or another tool's) is refused with an error that satisfies both
// errors.Is(err, [ErrNotManaged]) and errors.Is(err, [directory.ErrExists]),
// unless [Spec.Adopt] is set: giving admin roles to a person's account by
// accident would be a security hole. Adopting does not mark the account, so
// Deprovision still refuses to delete it (errors.Is(err, [ErrNotManaged])
// and errors.Is(err, [directory.ErrPermission])); delete such an account by
// hand.
//
// The marker recognises an account; it does not prove where the account
// came from: anyone allowed to edit employeeType (User Administrator and
// above) can set it. When Provision is about to grant roles to an existing
// managed account whose password has been changed since its creation (so
// someone holds it) — or, for a passwordless spec, whose owner has
// registered a strong method (nobody ever knows such an account's
// password) — the plan and the result carry a warning naming its object
// ID: compare it with the ID stored from the first Result.
//
// # The partner application's consent
//
// With [Spec.PartnerApp] set, Plan and Provision report the consent the
// account needs ([ConsentStatus] in Plan.Consent and Result.Consent). With
// [Spec.GrantConsent] Provision grants it to the account alone: it creates
// the application's service principal when the tenant has none, then one
// delegated permission grant (consentType Principal, principalId the
// account) for exactly PartnerApp.Scopes; a re-run writes nothing and a
// scope added to the spec is added to the same grant. The grant is made
// before the roles and rolled back with the account; its steps follow the
// retry rules below. Without GrantConsent, ConsentStatus.AdminConsentURL
// ([PartnerApp.AdminConsentURL]) says where an administrator can consent:
// for every user of the tenant. [Provisioner.Deprovision] deletes the
// account's own grants of [Account.PartnerApp], never a tenant-wide one.
// The directory must implement directory.ConsentReader and
// directory.ConsentGranter (the Graph backend and the fake do).
//
// # Rollback
//
// If a step fails after Provision created the account in the same call (a
// role assignment is denied, replication outlasts
// [Options.ReplicationTimeout], the context is cancelled), the account is
// deleted again, so that no enabled account is left with a password nobody
// received. The cleanup runs even when the caller's context is done,
// bounded by [Options.RollbackTimeout]. A transient fault alone never
// causes a rollback: it is retried (see Retries), and only a permanent
// fault or a spent [Options.RetryTimeout] ends the call. The returned
// [*Error]'s [Error.Outcome] says what happened: [OutcomeRolledBack] when
// the account is gone; [OutcomeRollbackFailed] (with [Error.RollbackErr])
// when the cleanup failed and the account is left in place.
// [Spec.KeepOnFailure] opts out of the rollback ([OutcomeKept]). An account
// that existed before the call is never deleted by a rollback
// ([OutcomeNotCreated], or [OutcomePartlyConverged] when some of its
// missing roles were assigned before the failure). The rollback lists the new account's role assignments and
// removes them all before the account (including one whose answer was
// lost), since deleting a user who holds an admin role takes more
// permission than deleting one who does not. A delete answered "not found" (or whose answer was lost) is
// confirmed by reading the account back, since the account was created
// moments ago and a replica may not know it yet; while a read still finds
// it, the delete is sent again.
//
// Whenever the outcome leaves the account in place ([Outcome.AccountLeft]),
// Provision also returns the Result as far as it got, with the temporary password if this call set one: an
// account left in place is never one whose password nobody received.
//
// # Idempotency
//
// Provision reads the account, its role assignments and the tenant's
// domains in one call ([directory.ReadSnapshot]) and writes only what is
// missing: a re-run with the same spec on a converged account makes no
// writes; roles missing from a managed account are added; roles the account
// holds beyond the spec are reported in [Result.Unexpected] and
// [Plan.Unexpected], never removed. A create whose answer was lost (the
// service applied it but the connection dropped) is recognised as this
// call's own by the marker's nonce, so it is neither duplicated nor refused
// as "exists": the lost create is sent again, its retry conflicts, and the
// account read back carries this call's marker. A directory's reads may lag
// behind its writes, so when the read-back does not find the account and
// the create may have been applied (anything but throttling), Provision
// keeps reading with backoff for up to [Options.ReadBackTimeout] (30 s)
// before it says the account may still appear ([OutcomeMayExist], the
// marker named in the message). A role assignment whose answer was lost is
// sent again too; its retry's conflict (or a 400 that may be one) is
// checked against the account's assignments, read back, never against the
// answer's text. A re-run after a run that failed half way (with
// KeepOnFailure, or a failed rollback) converges the account left behind.
//
// # Retries
//
// Every step of Provision, Plan and Deprovision (a read, the create, the
// role assignments, a delete) that fails with a transient fault
// ([directory.IsTemporary]: throttled, unavailable, a connection lost or
// reset before the answer, a timeout, a 424 caused by one of those) is
// sent again, after the larger of the polling interval (250 ms, 1.5 times
// longer each time, up to 5 s) and the Retry-After the service asked for
// ([directory.RetryDelay]), while the wait ends within
// [Options.RetryTimeout] (3 minutes) of the step's first transient failure
// and ctx is not done. Each retry is an [EventRetry] event and an info log line naming
// what failed, the attempt and the wait. A permanent fault (denied,
// invalid, not found once the replication wait is over, a conflict with
// someone else's account, the context done) is not retried. When a call
// fails, errors.Is classifies [Error.Err] and [directory.IsTemporary]
// tells "transient, retry deadline spent" (a later re-run may succeed) from
// "permanent"; the message says which.
//
// # Replication wait
//
// Microsoft Entra ID may not know a new user to role assignment for tens of
// seconds. Provision retries the assignments that fail with
// [directory.ErrNotFound], waiting [Options.PollInterval] (250 ms) at first
// and 1.5 times longer each time, up to [Options.MaxPollInterval] (5 s),
// until [Options.ReplicationTimeout] (5 minutes) would be exceeded; it never
// sleeps a fixed time. So the wait outlasts the lag by at most one poll
// interval. Each wait is reported as an [EventReplicationWait] event with
// its attempt number to [Options.OnEvent] and to [Options.Logger]. Tests
// inject a fake clock through [Options.Sleep] and [Options.Now].
//
// # Passwordless onboarding
//
// With [Spec.TemporaryAccessPass] set, nobody ever knows the account's
// password: the create sends a random one (never returned, logged or
// stored; it only satisfies the create, and no change is forced at first
// sign-in) and Provision issues a Temporary Access Pass, returned once in
// [Result.TemporaryAccessPass] (an [IssuedPass]: its passcode redacts itself
// like a [directory.Password], with its validity); [Result.Password] stays
// empty and [Account].Passwordless is set, so that package verify checks
// credential.registered instead of password.changed. The directory must
// implement [directory.AccessPassIssuer] (the Graph backend and the fake do).
//
// Before any write, when a pass is to be issued, Provision and Plan read the
// tenant's Temporary Access Pass policy and refuse, with an error that
// satisfies errors.Is(err, [ErrAccessPassPolicy]) and
// errors.Is(err, [directory.ErrInvalid]) and names the setting to change, a
// pass it does not allow: the method disabled (state); an account not
// targeted (includeTargets: all_users, or a user target with the account's
// ID; a new account is in no group, and Provision reads no group
// memberships, so a policy that targets only groups is refused); the
// account excluded by a user target (excludeTargets; excluded groups are a
// warning for an existing account); a lifetime outside
// minimumLifetimeInMinutes and maximumLifetimeInMinutes; a reusable pass
// when the policy allows one-time passes only (isUsableOnce). The plan shows
// the pass as a change and the check in [Plan.AccessPassCheck]; a refused
// Plan returns the plan with the error.
//
// The pass is issued after the create and before any role is assigned:
// Microsoft documents that an Authentication Administrator can issue passes
// only to users without admin roles. A lost answer to the pass's create
// (the only answer that carries the passcode) is resolved by reading the
// account's passes (a user has one at most) and deleting any found before
// the create is sent again, so that the pass returned is the one the account
// holds. If a later step fails, the rollback deletes the account, and the
// pass with it; so does Deprovision.
//
// A re-run decides from state: an account that has registered a strong
// method gets no pass; one with a usable pass gets no new one (its passcode
// was returned by the run that issued it); one whose pass can no longer be
// used (expired, or used once) and that has registered no strong method
// gets a new pass only when [TemporaryAccessPass].Renew is set (the old one
// is deleted first), and a warning otherwise.
//
// # Secrets
//
// The temporary password is generated with crypto/rand: [PasswordLength]
// characters, with lower case, upper case, digits and symbols, and the
// account must change it at its first sign-in. It is returned once, in
// [Result.Password], a [directory.Password] whose String, Format, LogValue
// and MarshalJSON redact it; only its Reveal method returns it. It never
// appears in a log line, an [Event], an error, or the printed or JSON form
// of a Spec, Result, Plan, Account or Error. A Temporary Access Pass is
// treated the same way: only [Result.TemporaryAccessPass].Reveal returns
// it, and the random password of a passwordless account is returned
// nowhere. A caller-supplied
// [Spec.Password] is treated the same way; a weak one is refused with a
// FieldError that does not contain it.
package serviceaccount
