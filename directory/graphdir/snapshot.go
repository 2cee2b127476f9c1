package graphdir

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// Snapshot implements [directory.Snapshotter]: the user, its role
// assignments, its authentication methods and the tenant's domains in one
// $batch round trip when the user is given by object ID, or by a
// userPrincipalName whose object ID the Directory has seen (Graph filters
// role assignments by principal ID only). For a UPN it has not seen, the
// batch reads the user, its methods and the domains, and a second round trip
// lists the role assignments; likewise when the UPN now belongs to another
// object than the one remembered (the user was deleted and re-created).
// Pages beyond the first (@odata.nextLink) cost a round trip each.
func (d *Directory) Snapshot(ctx context.Context, req directory.SnapshotRequest) (directory.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return directory.Snapshot{}, err
	}
	var snap directory.Snapshot
	key := req.User
	var domainsItem *batchItem
	if req.Domains {
		domainsItem = getItem(opListDomains, "", "/domains")
	}
	if key == "" {
		snap.UserErr = invalidArgument(opGetUser, quote(key), "empty object ID or userPrincipalName")
		failUserParts(&snap, req, snap.UserErr)
		if domainsItem != nil {
			if err := d.batch(ctx, []*batchItem{domainsItem}); err != nil && ctx.Err() != nil {
				return directory.Snapshot{}, ctx.Err()
			}
			snap.Domains, snap.DomainsErr = d.readDomains(ctx, domainsItem)
		}
		return snap, nil
	}

	principal := key // the object ID the parts are read with, if known
	if !isObjectID(key) {
		principal = d.cache.get(key)
	}
	userItem := getItem(opGetUser, quote(key), userPath(key)+"?"+userSelectQuery)
	items := []*batchItem{userItem}
	var rolesItem, methodsItem *batchItem
	if req.RoleAssignments && principal != "" {
		rolesItem = assignmentsItem(principal)
		items = append(items, rolesItem)
	}
	if req.AuthenticationMethods {
		methodsItem = d.methodsItem(firstNonEmpty(principal, key))
		items = append(items, methodsItem)
	}
	if domainsItem != nil {
		items = append(items, domainsItem)
	}
	if err := d.batch(ctx, items); err != nil {
		if ctx.Err() != nil {
			return directory.Snapshot{}, ctx.Err()
		}
		return directory.Snapshot{}, err
	}
	if domainsItem != nil {
		snap.Domains, snap.DomainsErr = d.readDomains(ctx, domainsItem)
	}
	snap.User, snap.UserErr = d.readUser(userItem)
	if snap.UserErr != nil {
		if errors.Is(snap.UserErr, directory.ErrNotFound) {
			d.forget(key)
		}
		failUserParts(&snap, req, snap.UserErr)
		return snap, nil
	}
	d.cache.put(snap.User.UserPrincipalName, snap.User.ID)

	// A second round trip when the parts were not (or not rightly)
	// addressed by the user's object ID.
	stale := principal != "" && !strings.EqualFold(principal, snap.User.ID)
	var second []*batchItem
	if req.RoleAssignments && (rolesItem == nil || stale) {
		rolesItem = assignmentsItem(snap.User.ID)
		second = append(second, rolesItem)
	}
	if req.AuthenticationMethods && stale {
		methodsItem = d.methodsItem(snap.User.ID)
		second = append(second, methodsItem)
	}
	if len(second) > 0 {
		// Each item records a failure of the batch as a whole.
		_ = d.batch(ctx, second)
	}
	if req.RoleAssignments {
		snap.RoleAssignments, snap.RoleAssignmentsErr = d.readAssignments(ctx, rolesItem)
	}
	if req.AuthenticationMethods {
		snap.AuthenticationMethods, snap.AuthenticationMethodsErr = d.readMethods(ctx, methodsItem)
	}
	if err := ctx.Err(); err != nil {
		return directory.Snapshot{}, err
	}
	return snap, nil
}

// failUserParts gives the user's parts the user's error.
func failUserParts(s *directory.Snapshot, req directory.SnapshotRequest, err error) {
	if req.RoleAssignments {
		s.RoleAssignmentsErr = err
	}
	if req.AuthenticationMethods {
		s.AuthenticationMethodsErr = err
	}
}

func assignmentsItem(principalID string) *batchItem {
	return getItem(opListRoleAssignments, quote(principalID),
		"/roleManagement/directory/roleAssignments?$filter="+escapeSegment(principalFilter(principalID)))
}

func (d *Directory) methodsItem(key string) *batchItem {
	return getItem(opListMethods, quote(key), userPath(key)+"/authentication/methods")
}

func (d *Directory) readUser(it *batchItem) (directory.User, error) {
	if err := it.error(); err != nil {
		return directory.User{}, err
	}
	var w wireUser
	if err := json.Unmarshal(it.resp, &w); err != nil || w.ID == "" {
		return directory.User{}, unexpected(it.op, it.object, it.status, "no user object")
	}
	return w.user(), nil
}

func (d *Directory) readAssignments(ctx context.Context, it *batchItem) ([]directory.RoleAssignment, error) {
	p, err := readPage[wireAssignment](it)
	if err != nil {
		return nil, err
	}
	out := make([]directory.RoleAssignment, 0, len(p.Value))
	for i := range p.Value {
		out = append(out, p.Value[i].assignment())
	}
	if p.NextLink != "" {
		return d.followAssignments(ctx, it.object, "", p.NextLink, out)
	}
	return out, nil
}

func (d *Directory) readMethods(ctx context.Context, it *batchItem) ([]directory.AuthenticationMethod, error) {
	p, err := readPage[wireMethod](it)
	if err != nil {
		return nil, err
	}
	out := make([]directory.AuthenticationMethod, 0, len(p.Value))
	for i := range p.Value {
		out = append(out, p.Value[i].method())
	}
	if p.NextLink != "" {
		return d.followMethods(ctx, it.object, "", p.NextLink, out)
	}
	return out, nil
}

func (d *Directory) readDomains(ctx context.Context, it *batchItem) ([]directory.Domain, error) {
	p, err := readPage[wireDomain](it)
	if err != nil {
		return nil, err
	}
	out := make([]directory.Domain, 0, len(p.Value))
	for i := range p.Value {
		out = append(out, p.Value[i].domain())
	}
	if p.NextLink != "" {
		return d.followDomains(ctx, p.NextLink, out)
	}
	return out, nil
}

func readPage[T any](it *batchItem) (wirePage[T], error) {
	if err := it.error(); err != nil {
		return wirePage[T]{}, err
	}
	p, err := decodePage[T](it.resp)
	if err != nil {
		return wirePage[T]{}, unexpected(it.op, it.object, it.status, "undecodable collection: %v", err)
	}
	return p, nil
}

// CreateRoleAssignments implements [directory.RoleAssigner]: one $batch
// round trip per 20 assignments, each item a POST
// /roleManagement/directory/roleAssignments. Items throttled inside the
// batch are sent again after their own Retry-After.
func (d *Directory) CreateRoleAssignments(ctx context.Context, as []directory.RoleAssignment) []directory.RoleAssignmentResult {
	out := make([]directory.RoleAssignmentResult, len(as))
	items := make([]*batchItem, len(as))
	for i, a := range as {
		body, _ := json.Marshal(newAssignmentBody{
			ODataType:        unifiedRoleAssignmentType,
			RoleDefinitionID: a.RoleDefinitionID,
			PrincipalID:      a.PrincipalID,
			DirectoryScopeID: a.DirectoryScopeID,
		})
		items[i] = &batchItem{
			op:     opCreateRoleAssignment,
			object: roleObject(roleRef{role: a.RoleDefinitionID, principal: a.PrincipalID}),
			method: http.MethodPost,
			url:    "/roleManagement/directory/roleAssignments",
			body:   body,
		}
	}
	if len(items) > 0 {
		_ = d.batch(ctx, items) // each item records its outcome
	}
	for i, it := range items {
		if err := it.error(); err != nil {
			out[i] = directory.RoleAssignmentResult{Assignment: as[i], Err: err}
			continue
		}
		var w wireAssignment
		if err := json.Unmarshal(it.resp, &w); err != nil || w.ID == "" {
			out[i] = directory.RoleAssignmentResult{Assignment: as[i], Err: unexpected(it.op, it.object, it.status, "no role assignment object")}
			continue
		}
		out[i] = directory.RoleAssignmentResult{Assignment: completeAssignment(w.assignment(), as[i])}
	}
	return out
}

// DeleteUserAndRoleAssignments implements [directory.UserDeleter]: one
// $batch round trip (per 20 requests) of DELETE
// /roleManagement/directory/roleAssignments/{id} for each assignment, then
// DELETE /users/{id}, chained with dependsOn so that the user is deleted
// only after every assignment (JSON batching wants a batch either fully
// sequential or fully parallel). An assignment already gone (404) counts as
// deleted; since Graph fails the rest of the chain (424) after it, each such
// assignment costs one more round trip. Deleting a user that holds
// administrative roles takes more than User.ReadWrite.All; see the package
// documentation.
func (d *Directory) DeleteUserAndRoleAssignments(ctx context.Context, userID string, assignmentIDs []string) error {
	obj := quote(userID)
	if err := ctx.Err(); err != nil {
		return contextError(opDeleteUser, obj, err)
	}
	if userID == "" {
		return invalidArgument(opDeleteUser, obj, "empty object ID")
	}
	items := make([]*batchItem, 0, len(assignmentIDs)+1)
	var prev *batchItem
	for _, id := range assignmentIDs {
		it := &batchItem{
			op:     opDeleteRoleAssignment,
			object: quote(id),
			method: http.MethodDelete,
			url:    "/roleManagement/directory/roleAssignments/" + escapeSegment(id),
			goneOK: true,
		}
		if prev != nil {
			it.dependsOn = []*batchItem{prev}
		}
		items = append(items, it)
		prev = it
	}
	user := &batchItem{op: opDeleteUser, object: obj, method: http.MethodDelete, url: userPath(userID)}
	if prev != nil {
		user.dependsOn = []*batchItem{prev}
	}
	items = append(items, user)
	_ = d.batch(ctx, items) // each item records its outcome
	if err := ctx.Err(); err != nil {
		return contextError(opDeleteUser, obj, err)
	}
	for _, it := range items[:len(items)-1] {
		if err := it.error(); err != nil {
			return err
		}
	}
	err := user.error()
	if err == nil || errors.Is(err, directory.ErrNotFound) {
		d.forget(userID)
	}
	return err
}
