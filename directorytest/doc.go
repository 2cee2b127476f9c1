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
// It implements [directory.AccessPassIssuer]: a Temporary Access Pass
// policy (enabled for all users by default, [DefaultAccessPassPolicy];
// a real tenant starts with the method disabled), which an admin changes
// with [Fake.SetAccessPassPolicy] and which [Fake.CreateAccessPass]
// enforces (state, all_users or a user target, excluded users, lifetime
// bounds, one-time passes); one pass per user, replaced by a new one;
// passcodes from crypto/rand, returned only by the create; usability
// computed on the fake's clock (NotYetValid, Expired, OneTimeUsed,
// DisabledByPolicy); the pass listed among the user's authentication
// methods; and the owner's sign-in with it ([Fake.SignInWithAccessPass]).
// It has no groups, so a policy that targets groups targets nobody.
// It models the tenant's sign-in policies as data: security defaults (on,
// as in a tenant created since October 2019; [Fake.SetSecurityDefaults]),
// Conditional Access policies and custom authentication strengths added as
// Graph's JSON and kept verbatim ([Fake.AddConditionalAccessPolicy],
// [Fake.AddAuthenticationStrength]; graphtest serves the documents as they
// are), the three built-in authentication strengths with their documented
// IDs and combinations, and security groups with nested members
// ([Fake.AddGroup], [Fake.AddGroupMember]) for the users condition of a
// policy. [RequireMFAForAllUsersPolicy] and [PhishingResistantAdminsPolicy]
// are the policies CISA's baseline prescribes, as documents. It does not
// evaluate policies at sign-in: no sign-in is refused for want of MFA.
// A [SignedIn] view reads the policies only with Policy.Read.All and a
// reader role ([SignedIn.PolicyAccess]), as Graph does.
//
// It models the consent the partner application needs: service principals
// and delegated permission grants ([directory.ConsentReader],
// [directory.ConsentGranter]). Every tenant holds Microsoft Graph's
// service principal; any other application ID can be instantiated
// ([Fake.CreateServicePrincipal]: the fake does not know which
// applications are multi-tenant, as Entra does); a grant needs a known
// client, resource and principal (a user created moments ago stays unknown
// to it for [Options.ReplicationLag]) and is unique per client, resource,
// consent type and principal. An administrator's tenant-wide consent is a
// plain [Fake.CreatePermissionGrant] with consentType AllPrincipals;
// disabling an application is [Fake.SetServicePrincipalEnabled]. Deleting
// a user leaves its grants (Microsoft does not document what becomes of
// them), so callers delete them first. A [SignedIn] view reads consent
// only when the app holds Directory.Read.All and, for grants, the user
// holds a role Microsoft's page for listing grants names.
//
// # Signed in as a user
//
// [Fake.SignedInAs] returns a [SignedIn] view of the tenant as one of its
// member users sees it with a delegated token of a public client app
// granted [SignInOptions.Scopes] ([DefaultScopes]: User.Read,
// UserAuthenticationMethod.Read, RoleManagement.Read.Directory). It
// implements [directory.SelfReader], and [directory.Directory] with the
// same rules. graphtest serves a user's token with this view, so the rules
// hold over Microsoft Graph's wire format too. The rules, each from the
// Microsoft page named:
//
//	what (Graph request)                         allowed when                                            Microsoft doc
//	sign-in                                      the account is enabled and its temporary password      passwordProfile: forceChangePasswordNextSignIn
//	                                             was changed (no token is issued before the change)     (learn.microsoft.com/graph/api/resources/passwordprofile)
//	own user (GET /me?$select=...)               User.Read                                               Get user (learn.microsoft.com/graph/api/user-get)
//	another user (GET /users/{id})               never: User.Read reads the signed-in user only          Get user; permissions reference, User.Read
//	own methods (GET /me/authentication/methods) UserAuthenticationMethod.Read, no admin role           List methods, "Permissions acting on self"
//	                                                                                                     (learn.microsoft.com/graph/api/authentication-list-methods)
//	another user's methods                       never (UserAuthenticationMethod.Read.All and an         List methods, "Permissions acting on other users"
//	                                             authentication administrator role)
//	role assignments, filtered by principal      RoleManagement.Read.Directory and one of Directory      List unifiedRoleAssignments
//	(GET /roleManagement/directory/              Readers, Global Reader, Privileged Role Administrator, (learn.microsoft.com/graph/api/rbacapplication-list-roleassignments);
//	roleAssignments?$filter=principalId eq ...)  Global Administrator; or, with                          Entra default user permissions, "read all ... roles and memberships"
//	                                             MembersListOwnRoleAssignments, one's own for any member (learn.microsoft.com/entra/fundamentals/users-default-permissions)
//	own memberships: groups and directory roles  User.Read; each directoryRole carries roleTemplateId,   List a user's memberships (direct and transitive), "Permissions for
//	(GET /me/transitiveMemberOf)                 or with LimitedRoleObjects only id and @odata.type      the signed-in user's memberships" (learn.microsoft.com/graph/api/user-list-transitivememberof);
//	                                                                                                     directoryRole (learn.microsoft.com/graph/api/resources/directoryrole);
//	                                                                                                     "Limited information returned for inaccessible member objects"
//	                                                                                                     (learn.microsoft.com/graph/permissions-overview)
//	own scoped role memberships                  Directory.Read.All                                      List scopedRoleMemberOf (learn.microsoft.com/graph/api/user-list-scopedrolememberof)
//	(GET /me/scopedRoleMemberOf)
//	PIM eligibilities, active schedule instances RoleEligibilitySchedule.Read.Directory (or               List roleEligibilitySchedules (learn.microsoft.com/graph/api/
//	(GET /roleManagement/directory/              RoleAssignmentSchedule.Read.Directory) or RoleManagement rbacapplication-list-roleeligibilityschedules), List
//	roleEligibilitySchedules, .../               .Read.Directory, and one of Global Reader, Security      roleAssignmentScheduleInstances (.../rbacapplication-list-
//	roleAssignmentScheduleInstances,             Reader, Privileged Role Administrator, Global            roleassignmentscheduleinstances): "the signed-in user must be
//	?$filter=principalId eq ...)                 Administrator, even for one's own; never relaxed by      assigned a supported Microsoft Entra role"; no exception for
//	                                             MembersListOwnRoleAssignments                           the caller's own (its self-service reads are filterByCurrentUser)
//	another user's groups (GET /users/{id}/      never (GroupMember.Read.All)                            List a user's memberships (permissions for other users)
//	transitiveMemberOf/microsoft.graph.group)
//	domains (GET /domains)                       Directory.Read.All (Domain.Read.All is not modelled)    List domains (learn.microsoft.com/graph/api/domain-list)
//	writes (users, role assignments)             never: the public client holds no write permission
//
// ReadSelf reads the memberships whether the role-assignment list is
// readable or not, and the scoped role memberships only when it was
// denied. The memberships are the user's groups (direct and transitive,
// [Fake.CreateGroup]) and, as directory role objects with [RoleObjectID]
// as their object ID, each built-in role it holds at tenant scope, by its
// own assignment or through a role-assignable group, once, without saying
// through which; custom roles are left out (a custom role is not a
// directoryRole object). Scoped role memberships are its own
// administrative-unit-scoped assignments of built-in roles, naming the
// role object only. The PIM lists follow the rule above whichever reading
// of the role-assignment list applies ([SignedIn.Eligibilities],
// [SignedIn.ActiveSchedules], [SignedIn.RolePaths]): the default user
// permissions behind MembersListOwnRoleAssignments cover roles and
// memberships, not PIM schedules.
//
// It models the other paths to a role ([directory.RolePathReader]): groups,
// role-assignable or not, with users and (for groups that are not
// role-assignable) groups as members ([Fake.CreateGroup],
// [Fake.AddGroupMember]); PIM eligibilities with a start and an end
// ([Fake.CreateEligibility]) and time-bound active assignments
// ([Fake.CreateActiveSchedule]); administrative units as assignment scopes
// ([Fake.CreateAdministrativeUnit]); custom role definitions
// ([Fake.CreateRoleDefinition]); and a tenant without Microsoft Entra ID P2
// ([Fake.SetPremiumP2]), where PIM reads fail with
// [directory.ErrNotLicensed]. [Fake.SetTimeBoundAssignmentsListed] acts
// out the reading of Microsoft's docs in which the role assignments list
// leaves time-bound assignments out.
//
// What it cannot do: application scopes by name, PIM for groups
// (eligible group membership), activation requests, soft-deleted users and
// their restore, licenses other than P2, conditional access, and anything
// the SDK does not call. Its IDs are deterministic, not random.
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
