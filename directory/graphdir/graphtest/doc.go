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
//	POST   /$batch
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
// unknown object 404 Request_ResourceNotFound. $filter accepts exactly
// principalId eq '<OData string literal>' and answers anything else 400.
// $batch runs up to 20 requests, honours dependsOn (a request whose
// dependency failed is answered 424) and lists the answers in reverse order,
// so that a client must match them by id; it refuses as a whole (400
// BadRequest) a batch holding a request with a body but no Content-Type
// header, or a POST, PATCH or PUT without a body. Every request must carry a
// bearer token (401 otherwise).
//
// # Recording and faults
//
// [Server.Requests] lists every HTTP request received (one per round trip),
// with the requests inside each $batch. Faults are injected by small
// methods, each safe for concurrent use: [Server.ThrottleNext],
// [Server.FailNext], [Server.ThrottleBatchItems], [Server.FailBatch],
// [Server.DenyPermission], [Server.DropConnection],
// [Server.SetReplicationLag] and [Server.SetReadLag]; [Options.Latency] (or [Server.SetLatency])
// delays every request.
//
// What it cannot do: anything graphdir does not call, other $filter
// expressions, $expand, $count, $orderby, listing every user or every role
// assignment, and authentication itself (any bearer token is accepted).
package graphtest
