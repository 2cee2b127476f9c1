// Package directory defines the interface implemented by directory backends:
// the few primitive operations on a Microsoft Entra ID tenant that the
// customer-consent service account needs.
//
// Most code should not use this package directly: use package
// [github.com/cloudhub/consent/serviceaccount] to provision an account and
// package [github.com/cloudhub/consent/verify] to check one. This package is
// for people who write a backend (see
// [github.com/cloudhub/consent/directory/graphdir] for Microsoft Graph and
// [github.com/cloudhub/consent/directorytest] for the in-memory fake), and for
// tests.
//
// # Errors
//
// Every method documents which sentinel error an implementation must return
// for each failure class ([ErrNotFound], [ErrExists], [ErrPermission],
// [ErrThrottled], [ErrUnavailable], [ErrInvalid]). Callers check them with
// [errors.Is]; implementations wrap them (or return an error type whose Is
// method maps onto them) and name the object in the message, for example
//
//	graphdir: get user "svc@contoso.com": directory: not found
//
// [IsTemporary] sorts the classes into transient ([ErrThrottled],
// [ErrUnavailable]: the same request may succeed later, and a write's
// outcome is unknown) and permanent (every other class, and a done
// context). A backend whose error knows the wait the service asked for
// gives it a method RetryDelay() time.Duration, which [RetryDelay] reads.
//
// # Optional interfaces
//
// A backend that can do better than one call per primitive implements the
// optional interfaces [Snapshotter] (read a user with its role assignments
// and authentication methods in one call), [RoleAssigner] (create several
// role assignments in one call) and [UserDeleter] (delete a user's role
// assignments and the user in one call). Callers find them by type
// assertion, the way io/fs finds [io/fs.ReadDirFS]; the helpers
// [ReadSnapshot], [CreateRoleAssignments] and
// [DeleteUserAndRoleAssignments] use them when present and fall back to the
// primitives otherwise.
//
// [SelfReader] is a capability rather than a shortcut: a directory signed
// in as a user (a delegated credential) answers for that user, reading only
// what the user may read about itself. [ReadSelf] uses it and has no
// fallback: a directory without it (one signed in as an application) gives
// [ErrInvalid].
//
// A backend that can read more than the primitives implements
// [RolePathReader] (the other paths to a role: PIM eligibility, time-bound
// assignments, role-assignable groups, with the names of custom roles and
// administrative units) and [SignInActivityReader]; [ReadRolePaths] and
// [ReadSignInActivity] report a backend without them with
// [errors.ErrUnsupported], and [ReadSnapshot] falls back to them.
//
// [AccessPassIssuer] is a capability rather than a shortcut: a backend that
// implements it reads the tenant's Temporary Access Pass policy and issues,
// lists and deletes users' passes (package serviceaccount needs it for
// passwordless onboarding, and says so when the directory lacks it). A
// backend that reports a pass among a user's authentication methods fills
// [AuthenticationMethod].AccessPass with its validity, never its passcode.
//
// # Sign-in policies and groups
//
// [SignInPolicyReader] reads the tenant's security defaults, Conditional
// Access policies and authentication strengths ([SignInPolicies]) and
// [MemberOfReader] a user's groups, transitively; [ReadSignInPolicies] and
// [ReadTransitiveMemberOf] report a backend without them with
// [errors.ErrUnsupported]. A [Snapshot] reads them in the same call when
// [SnapshotRequest] asks (SignInPolicies, MemberOf). The policy types carry
// Graph's JSON names: a policy read from Graph decodes into them with
// encoding/json, and a condition they do not model is kept as text
// ([ConditionalAccessConditions].Other).
//
// # Consent
//
// [ConsentReader] and [ConsentGranter] are capabilities too: reading an
// application's service principal and its delegated permission grants
// (Microsoft Graph's oAuth2PermissionGrant), and creating, extending and
// deleting them. [ReadConsent] reads with a ConsentReader; a
// [SnapshotRequest] with Consent set reads the same parts in the
// snapshot's call (one $batch for the Graph backend), and [ReadSnapshot]
// reads them through ConsentReader when a [Snapshotter] left them unread
// (a backend without ConsentReader: [errors.ErrUnsupported] in each part).
// Extending the snapshot request rather than adding a second optional
// interface keeps "one call" a property of one method: a backend that
// batches the snapshot batches the consent with it, and one that does not
// loses nothing.
//
// # Concurrency
//
// Implementations must be safe for concurrent use by multiple goroutines.
package directory
