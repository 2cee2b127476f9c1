// Package graphtest provides a Microsoft Graph-compatible HTTP test server
// for package graphdir: exactly the endpoints graphdir calls, with the
// request and response shapes of Microsoft's documentation, backed by a
// [directorytest.Fake].
//
//	srv := graphtest.NewServer(nil)
//	defer srv.Close()
//	dir, err := graphdir.New(cred, &graphdir.Options{BaseURL: srv.URL})
//
// # Endpoints
//
// Relative to [Server.URL] (which ends in /v1.0):
//
//	GET    /users/{id | userPrincipalName}     and /users('{userPrincipalName}')
//	POST   /users
//	DELETE /users/{id}
//	GET    /users/{id}/authentication/methods
//	GET    /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'
//	POST   /roleManagement/directory/roleAssignments
//	DELETE /roleManagement/directory/roleAssignments/{id}
//	GET    /domains
//	GET    /me                                 (a user's token; 400 with an application's)
//	GET    /me/authentication/methods
//	GET    /me/transitiveMemberOf              (group and directoryRole objects)
//	GET    /me/scopedRoleMemberOf
//	GET    /organization
//	GET    /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass
//	GET    /users/{id}/authentication/temporaryAccessPassMethods
//	POST   /users/{id}/authentication/temporaryAccessPassMethods
//	DELETE /users/{id}/authentication/temporaryAccessPassMethods/{id}
//	GET    /servicePrincipals(appId='{appId}')
//	GET    /servicePrincipals(appId='{appId}')/oauth2PermissionGrants
//	POST   /servicePrincipals                  ({"appId": ...})
//	POST   /oauth2PermissionGrants
//	PATCH  /oauth2PermissionGrants/{id}        (scope only; 204)
//	DELETE /oauth2PermissionGrants/{id}
//	POST   /$batch
//
// and the other paths to a role and the sign-in activity (see
// ListRoleEligibilitySchedules for the documented shapes):
//
//	GET    /roleManagement/directory/roleEligibilitySchedules?$filter=principalId eq '{id}'
//	GET    /roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '{id}'
//	GET    /users/{id | userPrincipalName}/transitiveMemberOf/microsoft.graph.group
//	GET    /users/{id}/transitiveMemberOf      (groups; with isAssignableToRole when $select
//	                                            names it, graphdir's one read for MemberOf and the
//	                                            role paths, failed by a fault on either Fake read)
//	GET    /roleManagement/directory/roleDefinitions?$filter=isBuiltIn eq false
//	GET    /directory/administrativeUnits
//	GET    /users/{id}?$select=id,signInActivity
//
// A tenant without Microsoft Entra ID P2 (directorytest.Fake.SetPremiumP2)
// answers the two PIM lists with error code AadPremiumLicenseRequired and
// status [Options.LicenseRequiredStatus].
//
// Answers are camelCase JSON with @odata.context; users carry only their
// default properties unless $select names others (so a client that forgets
// $select sees no accountEnabled); authentication methods carry @odata.type;
// creation answers 201 with the object, deletion 204; collections are paged
// with @odata.nextLink ([Options.PageSize]), an absolute link at
// [Server.URL] or at [Options.NextLinkBase] (say
// "https://graph.microsoft.com/v1.0", as Graph answers a client behind a
// proxy). Errors use Graph's envelope
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"},"details":[...]}}
// with the codes and messages Microsoft documents or that were observed in
// the field: a duplicate userPrincipalName is 400 Request_BadRequest with
// details[0].code ObjectConflict, a duplicate role assignment 400
// Request_BadRequest "A conflicting object with one or more of the specified
// property values is present in the directory." without details, an
// unknown object 404 Request_ResourceNotFound, a Temporary Access Pass the
// policy refuses 400 BadRequest with the reason (Microsoft does not
// document that answer). The policy's includeTargets are in its answer, as
// in Microsoft's example, or only with $expand=includeTargets
// ([Options.PolicyTargetsOnlyExpanded]), the other reading of the docs; a
// new pass replaces the user's current one, as Microsoft's create page
// says, or conflicts (409, [Options.AccessPassConflicts]).
// $filter accepts exactly
// principalId eq '<OData string literal>' and answers anything else 400.
// $batch runs up to 20 requests, honours dependsOn (a request whose
// dependency failed is answered 424) and lists the answers in reverse order,
// so that a client must match them by id; it refuses as a whole (400
// BadRequest) a batch holding a request with a body but no Content-Type
// header, or a POST, PATCH or PUT without a body. Every request must carry a
// bearer token (401 otherwise).
//
// # Identities
//
// The server accepts a token per identity. [Server.UserToken] signs in as a
// user of the fake and returns that user's delegated token (an unsigned JWT
// with Entra's tid, oid, upn, scp and idtyp claims, or an opaque string with
// [Options.OpaqueTokens]); every request bearing it, alone or in a $batch,
// is served through the fake's signed-in view
// ([directorytest.Fake.SignedInAs]), so the server enforces the rules Graph
// applies to a member user's delegated token. Any other bearer token, and
// [Server.AppToken]'s, is the application's: it may do everything, and gets
// 400 BadRequest "/me request is only valid with delegated authentication
// flow." from every /me endpoint, as Graph answers
// (https://learn.microsoft.com/graph/api/user-get: "/me requires a signed-in
// user and therefore a delegated permission").
//
// The rules for a user's token, each from the Microsoft page named (the
// same table is in directorytest's package documentation):
//
//	request                                               answered when                                        Microsoft doc
//	GET /me, GET /users/{own id or UPN}                   User.Read granted                                    graph/api/user-get
//	GET /users/{another user}                             never: 403                                           graph/api/user-get
//	GET /me/authentication/methods                        UserAuthenticationMethod.Read granted                graph/api/authentication-list-methods ("acting on self")
//	GET /users/{another}/authentication/methods           never: 403                                           same page ("acting on other users")
//	GET /roleManagement/directory/roleAssignments          RoleManagement.Read.Directory granted and the user   graph/api/rbacapplication-list-roleassignments;
//	  ?$filter=principalId eq '{own id}'                  holds Directory Readers, Global Reader, Privileged   entra/fundamentals/users-default-permissions
//	                                                      Role Administrator or Global Administrator, or
//	                                                      (MembersListOwnRoleAssignments) any member
//	GET /me/transitiveMemberOf                            User.Read granted                                    graph/api/user-list-transitivememberof
//	GET /roleManagement/directory/roleEligibilitySchedules RoleEligibilitySchedule.Read.Directory or            graph/api/rbacapplication-list-roleeligibilityschedules
//	  and .../roleAssignmentScheduleInstances             RoleManagement.Read.Directory granted and the user   graph/api/rbacapplication-list-roleassignmentscheduleinstances
//	  ?$filter=principalId eq '{any id}'                  holds Global Reader, Security Reader, Privileged
//	                                                      Role Administrator or Global Administrator, even
//	                                                      for its own (MembersListOwnRoleAssignments does
//	                                                      not relax it)
//	GET /users/{id}/transitiveMemberOf/microsoft.graph.group, never: 403 (GroupMember.Read.All)            graph/api/user-list-transitivememberof
//	  /roleManagement/directory/roleDefinitions,
//	  /directory/administrativeUnits
//	GET /me/scopedRoleMemberOf                            Directory.Read.All granted                           graph/api/user-list-scopedrolememberof
//	GET /organization                                     always (User.Read)                                   graph/api/organization-list
//	GET /domains                                          Directory.Read.All granted                           graph/api/domain-list
//	POST, DELETE (users, role assignments)                never: 403                                           (the public client holds no write permission)
//
// /me/transitiveMemberOf lists the user's groups (@odata.type
// #microsoft.graph.group, id, displayName, isAssignableToRole, ...), then a
// directoryRole object for each built-in role it holds at tenant scope,
// directly or through a role-assignable group, once, without saying
// through which; custom roles have no directoryRole object and are not
// listed. A directoryRole object carries @odata.type,
// id, displayName and roleTemplateId, or, with
// [directorytest.SignInOptions].LimitedRoleObjects, its type and id only
// (https://learn.microsoft.com/graph/permissions-overview, "Limited
// information returned for inaccessible member objects"). An OData cast
// segment (/me/transitiveMemberOf/microsoft.graph.directoryRole) is
// answered 400: Microsoft's advanced query page lists casts on transitive
// memberships among the queries that need ConsistencyLevel: eventual and
// $count, which the server does not model.
//
// # Recording and faults
//
// [Server.Requests] lists every HTTP request received (one per round trip),
// with the requests inside each $batch. Faults are injected by small
// methods, each safe for concurrent use: [Server.ThrottleNext],
// [Server.FailNext], [Server.FailEndpoint], [Server.ThrottleBatchItems], [Server.FailBatch],
// [Server.DenyPermission], [Server.DropConnection],
// [Server.SetReplicationLag] and [Server.SetReadLag]; [Options.Latency] (or [Server.SetLatency])
// delays every request.
//
// What it cannot do: anything graphdir does not call, other $filter
// expressions, $expand, $count, $orderby, OData casts, listing every user
// or every role assignment, groups (beyond the memberships above) and administrative units as objects, and
// authentication itself (any bearer token is accepted; only the tokens it
// issued are users').
package graphtest
