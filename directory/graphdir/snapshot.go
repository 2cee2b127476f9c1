package graphdir

import (
	"context"
	"errors"
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
// object than the one remembered (the user was deleted and re-created),
// where the role paths cost one more, to list the memberships again.
// Asked for MemberOf and RolePaths, it reads the user's transitive
// memberships once for both (see the package documentation). Pages beyond
// the first (@odata.nextLink) cost a round trip each.
func (d *Directory) Snapshot(ctx context.Context, req directory.SnapshotRequest) (directory.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return directory.Snapshot{}, err
	}
	var snap directory.Snapshot
	key := req.User
	var domainsItem *batchItem
	var tenantItems []*batchItem // the items that do not depend on the user
	if req.Domains {
		domainsItem = item(listDomains())
		tenantItems = append(tenantItems, domainsItem)
	}
	var policies policyItems
	if req.SignInPolicies {
		policies = newPolicyItems()
		tenantItems = append(tenantItems, policies.items()...)
	}
	var consent consentItems
	if req.Consent != nil {
		consent = newConsentItems(*req.Consent)
		tenantItems = append(tenantItems, consent.all()...)
	}
	readTenantParts := func() {
		if domainsItem != nil {
			snap.Domains, snap.DomainsErr = readList(ctx, d, domainsItem, domains)
		}
		if req.SignInPolicies {
			snap.SignInPolicies = policies.read(ctx, d)
		}
		if req.Consent != nil {
			snap.Consent = consent.read(ctx, d)
		}
	}
	if key == "" {
		snap.UserErr = invalidArgument(opGetUser, quote(key), "empty object ID or userPrincipalName")
		failUserParts(&snap, req, snap.UserErr)
		if len(tenantItems) > 0 {
			if err := d.batch(ctx, tenantItems); err != nil && ctx.Err() != nil {
				return directory.Snapshot{}, ctx.Err()
			}
			readTenantParts()
		}
		return snap, nil
	}

	principal := key // the object ID the parts are read with, if known
	if !directory.IsObjectID(key) {
		principal = d.cache.get(key)
	}
	userItem := item(getUser(key))
	items := []*batchItem{userItem}
	var rolesItem, methodsItem, memberOfItem *batchItem
	if req.MemberOf {
		memberOfItem = item(listTransitiveMemberOf(firstNonEmpty(principal, key)))
		if req.RolePaths {
			// One read for both (role paths' shared memberships).
			memberOfItem = item(listMemberships(firstNonEmpty(principal, key)))
		}
		items = append(items, memberOfItem)
	}
	if req.RoleAssignments && principal != "" {
		rolesItem = item(listAssignments(principal))
		items = append(items, rolesItem)
	}
	if req.AuthenticationMethods {
		methodsItem = item(listMethods(firstNonEmpty(principal, key)))
		items = append(items, methodsItem)
	}
	items = append(items, tenantItems...)
	var paths *rolePathItems
	if req.RolePaths {
		var first []*batchItem
		var shared *batchItem
		if req.MemberOf {
			shared = memberOfItem
		}
		paths, first = newRolePathItems(principal, key, shared)
		items = append(items, first...)
	}
	var signInItem *batchItem
	if req.SignInActivity {
		signInItem = item(getSignInActivity(firstNonEmpty(principal, key)))
		items = append(items, signInItem)
	}
	if err := d.batch(ctx, items); err != nil {
		if ctx.Err() != nil {
			return directory.Snapshot{}, ctx.Err()
		}
		return directory.Snapshot{}, err
	}
	readTenantParts()
	snap.UserErr = userItem.error()
	if snap.UserErr == nil {
		snap.User, snap.UserErr = readUser(userItem.request, userItem.answer())
	}
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
		rolesItem = item(listAssignments(snap.User.ID))
		second = append(second, rolesItem)
	}
	if req.AuthenticationMethods && stale {
		methodsItem = item(listMethods(snap.User.ID))
		second = append(second, methodsItem)
	}
	if req.SignInActivity && stale {
		signInItem = item(getSignInActivity(snap.User.ID))
		second = append(second, signInItem)
	}
	if paths != nil {
		second = append(second, paths.secondItems(ctx, d, snap.User.ID)...)
	}
	if req.MemberOf && stale && paths == nil {
		// (With the role paths, secondItems reads them again.)
		memberOfItem = item(listTransitiveMemberOf(snap.User.ID))
		second = append(second, memberOfItem)
	}
	if len(second) > 0 {
		// Each item records a failure of the batch as a whole.
		_ = d.batch(ctx, second)
	}
	if req.RoleAssignments {
		snap.RoleAssignments, snap.RoleAssignmentsErr = readList(ctx, d, rolesItem, assignments)
	}
	if req.AuthenticationMethods {
		snap.AuthenticationMethods, snap.AuthenticationMethodsErr = readList(ctx, d, methodsItem, methods)
	}
	if paths != nil {
		snap.RolePaths = paths.read(ctx, d, snap.RoleAssignments)
	}
	if signInItem != nil {
		snap.SignInActivity, snap.SignInActivityErr = readSignInItem(signInItem)
	}
	switch {
	case req.MemberOf && paths != nil:
		// Read with the role paths (secondItems), also again for a
		// stale object ID.
		snap.MemberOf, snap.MemberOfErr = paths.memberOf, paths.memberOfErr
	case req.MemberOf:
		snap.MemberOf, snap.MemberOfErr = groupsOnly(readList(ctx, d, memberOfItem, memberOf))
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
	if req.RolePaths {
		s.RolePaths = directory.FailRolePaths(err)
	}
	if req.SignInActivity {
		s.SignInActivityErr = err
	}
	if req.MemberOf {
		s.MemberOfErr = err
	}
}

// readList reads the collection a $batch item listed: its first page is the
// item's answer, the pages after it single requests.
func readList[T any](ctx context.Context, d *Directory, it *batchItem, c collection[T]) ([]T, error) {
	if err := it.error(); err != nil {
		return nil, err
	}
	return list(ctx, d, it.request, c, it.answer())
}
