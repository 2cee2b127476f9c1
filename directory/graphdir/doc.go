// Package graphdir implements [directory.Directory] over Microsoft Graph
// v1.0, for a customer's Microsoft Entra ID tenant. Most code should not use
// it directly: create a Directory with [New] and hand it to package
// serviceaccount or verify.
//
//	cred, err := azidentity.NewClientSecretCredential(tenantID, clientID, secret, nil)
//	...
//	dir, err := graphdir.New(cred, nil)
//
// # What it uses of the Graph SDK
//
// From msgraph-sdk-go it imports only the models package, and from kiota
// its JSON parse nodes and serialization writer and its HTTP middleware
// (redirects, user agent). The SDK's models, read by kiota's parse nodes,
// are the one decoder of every resource, for an answer to a single request
// and for a $batch item alike: they resolve an authentication method's
// derived type from its @odata.type. Request bodies are the SDK's models
// written by kiota's serialization writer.
//
// It does not use the SDK's request builders, its request adapter or its
// batch support: each request is described once (method, path and query,
// body, headers, the operation and object its errors name, what it needs
// when denied) and sent by this package over the http.Client, alone or as
// an item of a $batch. The builders' URL templates cannot address a user
// whose userPrincipalName starts with "$" (Graph wants
// /users('$x@contoso.com') for those, see userPath), and cannot describe a
// $batch item; the adapter parses error bodies itself (its ODataError.Error
// panics when the message is missing) where one function of this package
// must; the SDK's batch support splits at 19 requests and drops each item's
// Retry-After. Nor does it import the root package and its
// GraphServiceClient, which would pull every Graph request builder into
// the build.
//
// # Authentication and clouds
//
// Any azcore.TokenCredential works. Tokens are requested for
// https://<host>/.default of [Options.Cloud] ([Global], [USGovL4],
// [USGovL5DoD], [China]); configure the credential's authority with
// [Cloud.AzureCloud]. A token is sent only to the scheme and host of the
// service root (the cloud's, or [Options.BaseURL]); a request anywhere else
// fails instead of going out without one. Behind a proxy, an
// @odata.nextLink at the cloud's own service root (where Graph writes it) is
// followed at the base URL.
//
// Microsoft documents the v1.0 authentication methods API (GET
// /users/{id}/authentication/methods) as available in the Global and US
// Government clouds only: in the [China] cloud, authentication methods
// cannot be read, [Directory.AuthenticationMethods] and a snapshot's
// authentication methods fail, and package verify's MFA check will be
// unknown.
//
// The credential needs, as application permissions (or, delegated, with a
// signed-in admin holding the roles in brackets): User.ReadWrite.All to
// create users and to delete users without administrative roles (User
// Administrator), RoleManagement.ReadWrite.Directory to assign roles
// (Privileged Role Administrator), UserAuthenticationMethod.Read.All to
// list authentication methods, and Domain.Read.All (or Directory.Read.All)
// to list domains; for passwordless onboarding ([directory.AccessPassIssuer])
// Policy.Read.All to read the Temporary Access Pass policy (Global Reader or
// Authentication Policy Administrator) and UserAuthMethod-TAP.ReadWrite.All
// or UserAuthenticationMethod.ReadWrite.All to issue, list and delete
// passes (Authentication Administrator, for users without admin roles,
// which is why package serviceaccount issues the pass before the roles; or
// Privileged Authentication Administrator). Verifying (package verify) needs only User.Read.All,
// RoleManagement.Read.Directory, UserAuthenticationMethod.Read.All and
// Policy.Read.All (security defaults, Conditional Access policies and
// authentication strengths; delegated, with Security Reader or Global
// Reader); a Plan needs User.Read.All, RoleManagement.Read.Directory and
// Domain.Read.All, and Policy.Read.All to evaluate the MFA warning. A
// user's groups (GET /users/{id}/transitiveMemberOf) need no more than
// User.Read.All: without a permission to read groups, Graph returns them
// with their id only, which is all the evaluation needs. Reading a partner
// application's consent ([Directory.ServicePrincipal],
// [Directory.PermissionGrants]) needs Application.Read.All and
// Directory.Read.All (the least privileged permission Microsoft lists for
// listing delegated permission grants); granting it
// ([Directory.CreateServicePrincipal], [Directory.CreatePermissionGrant],
// [Directory.UpdatePermissionGrantScope], [Directory.DeletePermissionGrant])
// needs Application.ReadWrite.All (for a missing service principal) and
// DelegatedPermissionGrant.ReadWrite.All (delegated: Cloud Application
// Administrator or Application Administrator).
//
// The sign-in policies are decoded with encoding/json into the directory
// types (which carry Graph's JSON names), not with the SDK's models: the
// SDK's enum parsers drop values they do not know, and a dropped
// authentication method mode could make a strength look phishing-resistant
// when it is not, a dropped condition a conditional policy look
// unconditional. Graph may give a policy's authenticationStrength in full
// or by id only; both are accepted, and the strength is completed from the
// tenant's list.
//
// User.ReadWrite.All is not always enough to delete a user: Microsoft's
// "Delete a user" says that in app-only scenarios the User.ReadWrite.All
// application permission isn't enough privilege to delete users with
// administrative roles, and that the app must then be assigned a higher
// privileged administrator role (see "Who can perform sensitive actions" in
// Microsoft Graph's user documentation). Delegated, the app needs
// Directory.AccessAsUser.All and the signed-in user such a higher privileged
// role. A service account created to hold roles is such a user.
// [Directory.DeleteUserAndRoleAssignments] removes the role assignments it
// is given first, in the same $batch, each DELETE depending (dependsOn) on
// the one before, and deletes the user only after the last of them
// succeeded (or was already gone); grant the app the higher privileged role when the user may
// still hold an administrative role at that point (one assigned otherwise,
// or not listed).
//
// # Round trips
//
// Single operations are single requests. The optional interfaces use JSON batching (POST /$batch, up to
// 20 requests each): [Directory.Snapshot] reads a user, its role
// assignments, its authentication methods, its groups, the domains and the
// tenant's sign-in policies in one round trip
// (given an object ID, or a userPrincipalName whose ID the Directory has
// seen), [Directory.CreateRoleAssignments] creates up to 20 assignments per
// round trip, and [Directory.DeleteUserAndRoleAssignments] deletes the
// assignments first and then the user in one, chained with dependsOn.
// A snapshot that asks for a partner application's consent
// (directory.SnapshotRequest.Consent) adds three items to the same $batch:
// GET /servicePrincipals(appId='{client}') and (appId of Microsoft Graph),
// and GET /servicePrincipals(appId='{client}')/oauth2PermissionGrants,
// each addressed by appId so that none waits for another's answer.
// [Directory.ReadSelf] (a delegated credential: the signed-in account reads
// itself) takes at most two: /me, its methods, its role assignments and
// the sign-in policies in one, its memberships in a second only when the role-assignment list is
// denied (or, when the token's claims cannot be read, the assignments and
// memberships together in the second).
//
// A Snapshot that asks for the user's role paths ([Directory.RolePaths])
// adds to the same $batch the PIM eligibility schedules and active schedule
// instances filtered by the user's ID, its transitive group memberships
// (cast to groups, with isAssignableToRole), and the first page of the
// tenant's custom role definitions and administrative units (to name
// them); when the user is a member of role-assignable groups (or of groups
// whose assignability the credential cannot see), a second $batch reads
// each group's role assignments and eligibility schedules. So a Verify by
// object ID is one round trip for an account in no role-assignable group
// and two otherwise; a userPrincipalName not seen yet puts the PIM reads in
// the second $batch too; a userPrincipalName whose remembered ID is stale
// (the user was deleted and re-created under it) costs one round trip more,
// to list the current object's memberships again. The sign-in activity ([Directory.SignInActivity])
// is one more item of the first $batch. A Snapshot that asks for MemberOf
// as well (Verify does) reads the memberships once for both parts: GET
// /users/{id}/transitiveMemberOf?$select=id,displayName,isAssignableToRole,
// uncast (Microsoft's page for it says an OData cast needs ConsistencyLevel:
// eventual and $count), MemberOf taking every group and the role paths the
// groups that are, or may be, role-assignable; both parts get its error.
// Verify's first $batch is so 15 items (Graph takes at most 20 per $batch).
//
// # Retries
//
// One retry policy serves single requests and $batch items alike:
// [Options.CheckRetry] decides whether an attempt is repeated and
// [Options.Backoff] how long to wait first. By default ([DefaultCheckRetry],
// [DefaultBackoff]) answers 429, 503 and 504 are retried after exactly the
// Retry-After they carry (fractional seconds such as 2.128, or an HTTP
// date), or after an exponential backoff with jitter when there is none;
// so are $batch items answered so, in a new batch, after their own
// Retry-After. A connection
// lost during a GET or DELETE is retried; one lost during a POST is not,
// since the POST may have been applied: it fails with
// [directory.ErrUnavailable]. Every wait goes through [Options.Sleep] and
// ends when the context is done. Replication lag (a user created moments ago
// unknown to role assignment) is not retried here: it is reported as
// [directory.ErrNotFound] and waited out by package serviceaccount.
//
// # Errors
//
// Every failure is an [*Error] naming the operation and the object, with
// the status, code, message, request ID and Retry-After of the answer, that
// satisfies [errors.Is] for exactly one of the directory sentinels (or wraps
// the context's error). One function reads every Graph error body, of a
// single request or of a $batch item. A 403 answer also says what the
// request needed ([Error.Requirement], found by
// [directory.RequirementOf]): the least-privileged permissions and, for a
// delegated caller, the Microsoft Entra roles of its endpoint. A refusal
// for want of a licence (error code AadPremiumLicenseRequired: no
// Microsoft Entra ID P2 for PIM; Authentication_RequestFromNonPremiumTenantOrB2CTenant:
// no P1 for sign-in activity) is [directory.ErrNotLicensed] whatever its
// status, which Microsoft does not document, and names the licences
// instead; a Conditional Access claims challenge that a new token did not
// clear says Claims.
package graphdir
