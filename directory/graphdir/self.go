package graphdir

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/cloudhub/consent/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

var _ directory.SelfReader = (*Directory)(nil)

// Operations of the self path, for errors.
const (
	opGetMe             op = "get the signed-in user"
	opListMyMethods     op = "list authentication methods of the signed-in user"
	opListMyMemberships op = "list directory role memberships of the signed-in user"
	opListMyScopedRoles op = "list scoped role memberships of the signed-in user"
	opListOrganization  op = "get the tenant of the signed-in user"
	meObject               = `"me"`
)

// selfRequirement is what a delegated caller needs for the self path's
// endpoints, from each one's Microsoft Learn page ("permissions for the
// signed-in user", "acting on self").
func (e endpoint) selfRequirement() directory.Requirement {
	switch e {
	case endpointGetMe, endpointListMyMemberships, endpointListOrganization:
		// https://learn.microsoft.com/graph/api/user-get,
		// https://learn.microsoft.com/graph/api/user-list-transitivememberof,
		// https://learn.microsoft.com/graph/api/organization-list
		return directory.Requirement{Permissions: []string{"User.Read"}}
	case endpointListMyMethods:
		// https://learn.microsoft.com/graph/api/authentication-list-methods
		return directory.Requirement{Permissions: []string{"UserAuthenticationMethod.Read", "UserAuthenticationMethod.ReadWrite"}}
	case endpointListMyScopedRoles:
		// https://learn.microsoft.com/graph/api/user-list-scopedrolememberof
		return directory.Requirement{Permissions: []string{"Directory.Read.All", "Directory.ReadWrite.All"}}
	}
	return directory.Requirement{}
}

// The requests of the self path.

// getMe is GET /me with $select of every property directory.User carries.
func getMe() *request { return get(opGetMe, meObject, "/me?"+userSelectQuery, endpointGetMe) }

// listMyMethods is GET /me/authentication/methods.
func listMyMethods() *request {
	return get(opListMyMethods, meObject, "/me/authentication/methods", endpointListMyMethods)
}

// listMyMemberships is GET /me/transitiveMemberOf, every kind of directory
// object (groups, administrative units, directory roles): the directory
// roles are kept on this side rather than asked for with the OData cast
// segment /microsoft.graph.directoryRole, which Microsoft's advanced query
// documentation lists among the queries that need ConsistencyLevel:
// eventual and $count on transitive memberships.
func listMyMemberships() *request {
	return get(opListMyMemberships, meObject, "/me/transitiveMemberOf", endpointListMyMemberships)
}

// listMyScopedRoles is GET /me/scopedRoleMemberOf.
func listMyScopedRoles() *request {
	return get(opListMyScopedRoles, meObject, "/me/scopedRoleMemberOf", endpointListMyScopedRoles)
}

// listOrganization is GET /organization?$select=id: the tenant's ID.
func listOrganization() *request {
	return get(opListOrganization, meObject, "/organization?$select=id", endpointListOrganization)
}

// membership is one directory object of /me/transitiveMemberOf: a
// directory role (role set), a group (group set), or something else (an
// administrative unit), which is skipped.
type membership struct {
	role  directory.RoleMembership
	ok    bool
	group *directory.Group
}

var (
	memberships = collectionOf[models.DirectoryObjectCollectionResponseable](
		models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue, membershipFromModel)
	scopedRoles = collectionOf[models.ScopedRoleMembershipCollectionResponseable](
		models.CreateScopedRoleMembershipCollectionResponseFromDiscriminatorValue, scopedRoleFromModel)
	organizations = collectionOf[models.OrganizationCollectionResponseable](
		models.CreateOrganizationCollectionResponseFromDiscriminatorValue, func(m models.Organizationable) string { return deref(m.GetId()) })
)

// membershipFromModel keeps a directory role and a group: the SDK
// decodes each by its @odata.type, also one returned with limited
// information (its ID only, the other properties null).
func membershipFromModel(m models.DirectoryObjectable) membership {
	if g, ok := m.(models.Groupable); ok {
		group := groupFromModel(g) // rolepaths.go
		return membership{group: &group}
	}
	if r, ok := m.(models.DirectoryRoleable); ok {
		return membership{ok: true, role: directory.RoleMembership{
			RoleTemplateID:   strings.ToLower(deref(r.GetRoleTemplateId())),
			RoleID:           deref(r.GetId()),
			DisplayName:      deref(r.GetDisplayName()),
			DirectoryScopeID: directory.TenantScope,
		}}
	}
	return membership{}
}

func scopedRoleFromModel(m models.ScopedRoleMembershipable) directory.RoleMembership {
	return directory.RoleMembership{
		RoleID:           deref(m.GetRoleId()),
		DirectoryScopeID: "/administrativeUnits/" + deref(m.GetAdministrativeUnitId()),
	}
}

// tokenClaims are the claims of an access token this package reads when
// the token is a JWT it can decode: Microsoft tells clients not to rely on
// the format of tokens meant for Microsoft Graph, so they only save round
// trips (tid, oid) and an answer Graph would give anyway (an application's
// token gets no /me); without them the same answers come from Graph.
type tokenClaims struct {
	TID   string   `json:"tid"`
	OID   string   `json:"oid"`
	IDTyp string   `json:"idtyp"`
	Scp   string   `json:"scp"`
	Roles []string `json:"roles"`
}

// application reports whether the claims are an application's token.
func (c tokenClaims) application() bool {
	return c.IDTyp == "app" || c.IDTyp == "" && c.Scp == "" && len(c.Roles) > 0
}

// claims returns the claims of the token the provider gets for the
// service root (the credential's cache answers the request that follows),
// or zero claims when the token is not a JWT this package can read.
func (p *tokenProvider) claims(ctx context.Context) (tokenClaims, error) {
	tok, err := p.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: p.scopes, EnableCAE: true})
	if err != nil {
		if ctx.Err() != nil {
			return tokenClaims{}, ctx.Err()
		}
		return tokenClaims{}, &tokenError{err: err}
	}
	parts := strings.Split(tok.Token, ".")
	if len(parts) != 3 {
		return tokenClaims{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return tokenClaims{}, nil
	}
	var c tokenClaims
	if json.Unmarshal(raw, &c) != nil || !directory.IsObjectID(c.OID) && c.OID != "" {
		return tokenClaims{}, nil
	}
	return c, nil
}

// ReadSelf implements [directory.SelfReader] over Microsoft Graph, in at
// most two round trips (pages after a first cost one each):
//
//  1. one $batch of GET /me?$select=..., GET /me/authentication/methods,
//     GET /me/transitiveMemberOf (kept: the directoryRole objects, whose
//     roleTemplateId names the built-in role, and the groups; skipped:
//     administrative units and any other type: memberships show the roles
//     held through role-assignable groups, which the role-assignment list
//     filtered by the user's ID does not) and, when the token's oid claim
//     names the signed-in user, the role assignments filtered by it (GET
//     /organization?$select=id too when the token has no readable tid
//     claim);
//  2. only when the role-assignment list was denied, GET
//     /me/scopedRoleMemberOf. When the token named no user, the
//     role-assignment list, filtered by /me's ID, goes in this round trip
//     with GET /me/scopedRoleMemberOf, whose answer is used only if the
//     list is denied.
//
// An application's token gets a clear error satisfying
// errors.Is(err, directory.ErrInvalid): at once when its claims say so
// (idtyp "app"), else from Graph's 400 to /me.
func (d *Directory) ReadSelf(ctx context.Context) (directory.Self, error) {
	if err := ctx.Err(); err != nil {
		return directory.Self{}, contextError(opGetMe, meObject, err)
	}
	c, err := d.tokens.claims(ctx)
	if err != nil {
		return directory.Self{}, (&request{op: opGetMe, object: meObject}).failed(ctx, nil, err)
	}
	if c.application() {
		return directory.Self{}, &Error{Op: string(opGetMe), Object: meObject, class: directory.ErrInvalid,
			Message: "the credential signs in as an application (its token's idtyp is app); reading as the signed-in account needs a delegated credential (device code or browser sign-in)"}
	}
	me, methodsItem, memberItem := item(getMe()), item(listMyMethods()), item(listMyMemberships())
	items := []*batchItem{me, methodsItem, memberItem}
	var rolesItem, orgItem *batchItem
	if c.OID != "" {
		rolesItem = item(listAssignments(c.OID))
		items = append(items, rolesItem)
	}
	if c.TID == "" {
		orgItem = item(listOrganization())
		items = append(items, orgItem)
	}
	policies := newPolicyItems() // signinpolicy.go
	items = append(items, policies.items()...)
	if err := d.batch(ctx, items); err != nil {
		if ctx.Err() != nil {
			return directory.Self{}, contextError(opGetMe, meObject, ctx.Err())
		}
		return directory.Self{}, err
	}
	var self directory.Self
	if err := me.error(); err != nil {
		if errors.Is(err, directory.ErrInvalid) {
			return directory.Self{}, fmt.Errorf("%w (Graph answers /me for a signed-in user's delegated token only: use a device code or browser credential, not an application's)", err)
		}
		return directory.Self{}, err
	}
	if self.User, err = readUser(me.request, me.answer()); err != nil {
		return directory.Self{}, err
	}
	d.cache.put(self.User.UserPrincipalName, self.User.ID)
	self.TenantID, self.TenantIDSource = c.TID, directory.TenantFromToken
	if orgItem != nil {
		self.TenantID, self.TenantIDSource = "", ""
		if orgs, err := readList(ctx, d, orgItem, organizations); err == nil && len(orgs) > 0 && orgs[0] != "" {
			self.TenantID, self.TenantIDSource = orgs[0], directory.TenantFromDirectory
		}
	}
	self.AuthenticationMethods, self.AuthenticationMethodsErr = readList(ctx, d, methodsItem, methods)
	self.AuthenticationMethodsErr = naming(self.AuthenticationMethodsErr, self.User)
	self.SignInPolicies = policies.read(ctx, d)

	var ms []membership
	if ms, self.RoleMembershipsErr = readList(ctx, d, memberItem, memberships); self.RoleMembershipsErr == nil {
		self.RoleMemberships, self.Groups = []directory.RoleMembership{}, []directory.Group{}
		for _, m := range ms {
			switch {
			case m.ok:
				self.RoleMemberships = append(self.RoleMemberships, m.role)
			case m.group != nil:
				self.Groups = append(self.Groups, *m.group)
			}
		}
	}
	self.RoleMembershipsErr = naming(self.RoleMembershipsErr, self.User)

	var scopedItem *batchItem
	switch {
	case rolesItem == nil || !strings.EqualFold(c.OID, self.User.ID):
		rolesItem, scopedItem = item(listAssignments(self.User.ID)), item(listMyScopedRoles())
		_ = d.batch(ctx, []*batchItem{rolesItem, scopedItem}) // each item records its outcome
	case errors.Is(rolesItem.error(), directory.ErrPermission):
		scopedItem = item(listMyScopedRoles())
		_ = d.batch(ctx, []*batchItem{scopedItem})
	}
	self.RoleAssignments, self.RoleAssignmentsErr = readList(ctx, d, rolesItem, assignments)
	if errors.Is(self.RoleAssignmentsErr, directory.ErrPermission) {
		self.ScopedRoleMemberships, self.ScopedRoleMembershipsErr = readList(ctx, d, scopedItem, scopedRoles)
		self.ScopedRoleMembershipsErr = naming(self.ScopedRoleMembershipsErr, self.User)
	}
	if err := ctx.Err(); err != nil {
		return directory.Self{}, contextError(opGetMe, meObject, err)
	}
	return self, nil
}

// naming makes an error about "me" name the signed-in user it was about.
func naming(err error, u directory.User) error {
	var e *Error
	if !errors.As(err, &e) || e.Object != meObject {
		return err
	}
	c := *e
	c.Object = fmt.Sprintf("%q (%s)", u.ID, u.UserPrincipalName)
	return &c
}
