package graphtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
)

// Endpoints of the signed-in user (relative to the service root) and of
// the tenant. With an application's token, every /me endpoint is answered
// 400.
const (
	GetMe                       Endpoint = "GET /me"
	ListMyAuthenticationMethods Endpoint = "GET /me/authentication/methods"
	ListMyTransitiveMemberOf    Endpoint = "GET /me/transitiveMemberOf"
	ListMyScopedRoleMemberOf    Endpoint = "GET /me/scopedRoleMemberOf"
	ListOrganization            Endpoint = "GET /organization"
)

// identity is who a request's bearer token signs in as: a user (view set)
// or the application.
type identity struct {
	view *directorytest.SignedIn
}

// directory returns what the identity reads and writes through: the
// user's signed-in view, or the whole tenant for the application.
func (id identity) directory(s *Server) directory.Directory {
	if id.view != nil {
		return id.view
	}
	return s.fake
}

// tokenClaims are the claims of the tokens the server issues, those of a
// Microsoft Entra access token
// (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference):
// tid and oid, idtyp ("user" or "app"), scp for a delegated token, roles
// for an application's.
type tokenClaims struct {
	Aud   string   `json:"aud"`
	Iss   string   `json:"iss"`
	TID   string   `json:"tid"`
	OID   string   `json:"oid"`
	IDTyp string   `json:"idtyp"`
	UPN   string   `json:"upn,omitempty"`
	Scp   string   `json:"scp,omitempty"`
	Roles []string `json:"roles,omitempty"`
	UTI   string   `json:"uti"`
}

// appObjectID is the object ID of the application's service principal in
// the tokens [Server.AppToken] issues.
const appObjectID = "5e41ce00-0000-4000-8000-00000000a991"

// UserToken signs in as the user upn of the fake behind the server, with
// the rules of directorytest's [directorytest.Fake.SignedInAs] (opts may be
// nil), and returns an access token for that user: requests bearing it are
// served through the user's signed-in view, so the server applies the
// rules Microsoft Graph applies to a member user's delegated token (see
// the package documentation). The token is an unsigned JWT with the claims
// of a delegated Entra token (tid, oid, upn, scp, idtyp "user"), or an
// opaque string with [Options.OpaqueTokens]. Signing in fails as
// SignedInAs does: an unknown user, a disabled account, an account whose
// temporary password was not changed yet.
func (s *Server) UserToken(upn string, opts *directorytest.SignInOptions) (string, error) {
	view, err := s.fake.SignedInAs(upn, opts)
	if err != nil {
		return "", fmt.Errorf("graphtest: user token: %w", err)
	}
	return s.issue(tokenClaims{
		OID: view.UserID(), UPN: view.UserPrincipalName(), IDTyp: "user", Scp: strings.Join(view.Scopes(), " "),
	}, identity{view: view}), nil
}

// AppToken returns an access token of an application (claims tid, oid of
// its service principal, roles, idtyp "app"). Every bearer token the server
// did not issue as a user's is served as the application's, as before, so
// this one matters only to a client that reads claims.
func (s *Server) AppToken() string {
	return s.issue(tokenClaims{OID: appObjectID, IDTyp: "app", Roles: []string{"User.ReadWrite.All", "RoleManagement.ReadWrite.Directory", "UserAuthenticationMethod.Read.All"}}, identity{})
}

// issue makes a token with the claims c and remembers who it signs in as.
func (s *Server) issue(c tokenClaims, id identity) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	c.Aud = "https://graph.microsoft.com"
	c.TID = s.fake.TenantID()
	c.Iss = "https://sts.windows.net/" + c.TID + "/"
	c.UTI = fmt.Sprintf("graphtest-%d", s.seq)
	var token string
	if s.opaqueTokens {
		token = "opaque-graphtest-token-" + c.UTI
	} else {
		enc := base64.RawURLEncoding
		header, _ := json.Marshal(map[string]string{"typ": "JWT", "alg": "none"})
		claims, _ := json.Marshal(c)
		token = enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte("graphtest"))
	}
	if s.tokens == nil {
		s.tokens = map[string]identity{}
	}
	s.tokens[token] = id
	return token
}

// identify returns who the Authorization header's bearer token signs in
// as; a token the server did not issue is the application's.
func (s *Server) identify(authorization string) identity {
	token, _ := strings.CutPrefix(authorization, "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[token]
}

// parseSelfRoute routes /me/... and /organization.
func parseSelfRoute(method string, segs segments) (route, bool) {
	if method != http.MethodGet {
		return route{}, false
	}
	switch {
	case len(segs) == 1 && segs.is(0, "organization"):
		return route{endpoint: ListOrganization}, true
	case !segs.is(0, "me"):
		return route{}, false
	case len(segs) == 1:
		return route{endpoint: GetMe}, true
	case len(segs) == 3 && segs.is(1, "authentication") && segs.is(2, "methods"):
		return route{endpoint: ListMyAuthenticationMethods}, true
	case len(segs) == 2 && segs.is(1, "transitiveMemberOf"):
		return route{endpoint: ListMyTransitiveMemberOf}, true
	case len(segs) == 2 && segs.is(1, "scopedRoleMemberOf"):
		return route{endpoint: ListMyScopedRoleMemberOf}, true
	case len(segs) >= 3 && segs.is(1, "transitiveMemberOf"):
		return route{err: fmt.Sprintf("graphtest does not serve /%s: list /me/transitiveMemberOf and keep the directoryRole objects (an OData cast segment needs ConsistencyLevel: eventual and $count)", strings.Join(segs, "/"))}, true
	}
	return route{}, false
}

// serveSelf serves the endpoints of this file.
func (c *call) serveSelf(e Endpoint) (response, bool) {
	switch e {
	case ListOrganization:
		return c.listOrganization(), true
	case GetMe, ListMyAuthenticationMethods, ListMyTransitiveMemberOf, ListMyScopedRoleMemberOf:
	default:
		return response{}, false
	}
	view := c.who.view
	if view == nil {
		// As Graph answers /me with an application's token.
		return c.fail(http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow."), true
	}
	switch e {
	case GetMe:
		return c.getUser(view.UserID()), true
	case ListMyAuthenticationMethods:
		return c.listMethods(view.UserID()), true
	case ListMyTransitiveMemberOf:
		return c.listTransitiveMemberOf(view), true
	default:
		return c.listScopedRoleMemberOf(view), true
	}
}

// GET /me/transitiveMemberOf: directoryObjects, here the groups of the
// fake's memberships (role-assignable or not), then the directoryRole
// objects of the roles the user holds directly or through a
// role-assignable group (each role once; the answer does not say through
// which). https://learn.microsoft.com/graph/api/user-list-transitivememberof;
// a group's properties: https://learn.microsoft.com/graph/api/resources/group;
// a directoryRole's: https://learn.microsoft.com/graph/api/resources/directoryrole.
// A role object returned with limited information has its @odata.type and
// id only, the other properties null
// (https://learn.microsoft.com/graph/permissions-overview, "Limited
// information returned for inaccessible member objects").
func (c *call) listTransitiveMemberOf(view *directorytest.SignedIn) response {
	gs, ms, err := view.TransitiveMemberOf(c.ctx)
	if err != nil {
		return c.fakeError(err, "me")
	}
	items := make([]any, 0, len(gs)+len(ms))
	for _, g := range gs {
		items = append(items, object{
			{"@odata.type", "#microsoft.graph.group"},
			{"id", g.ID},
			{"deletedDateTime", nil},
			{"displayName", g.DisplayName},
			{"groupTypes", []any{}},
			{"isAssignableToRole", g.IsAssignableToRole},
			{"mailEnabled", false},
			{"securityEnabled", true},
		})
	}
	for _, m := range ms {
		items = append(items, object{
			{"@odata.type", "#microsoft.graph.directoryRole"},
			{"id", m.RoleID},
			{"deletedDateTime", nil},
			{"description", nil},
			{"displayName", nullable(m.DisplayName)},
			{"roleTemplateId", nullable(m.RoleTemplateID)},
		})
	}
	return c.page("directoryObjects", items)
}

// GET /me/scopedRoleMemberOf: scopedRoleMembership objects.
// https://learn.microsoft.com/graph/api/user-list-scopedrolememberof,
// https://learn.microsoft.com/graph/api/resources/scopedrolemembership.
func (c *call) listScopedRoleMemberOf(view *directorytest.SignedIn) response {
	ms, err := view.ScopedRoleMemberships(c.ctx)
	if err != nil {
		return c.fakeError(err, "me")
	}
	items := make([]any, len(ms))
	for i, m := range ms {
		au := strings.TrimPrefix(m.DirectoryScopeID, "/administrativeUnits/")
		items[i] = object{
			{"id", m.RoleID + "_" + au + "_" + view.UserID()},
			{"roleId", m.RoleID},
			{"administrativeUnitId", au},
			{"roleMemberInfo", object{{"id", view.UserID()}, {"displayName", view.UserPrincipalName()}}},
		}
	}
	return c.page("scopedRoleMemberships", items)
}

// GET /organization, with $select=id or without: the tenant, readable with
// User.Read. https://learn.microsoft.com/graph/api/organization-list.
func (c *call) listOrganization() response {
	o := object{{"id", c.s.fake.TenantID()}}
	if c.query.Get("$select") != "id" {
		o = append(o, field{"displayName", "Contoso"}, field{"tenantType", "AAD"})
	}
	return c.page("organization", []any{o})
}

// Credential is an azcore.TokenCredential that hands out one token, such as
// one of [Server.UserToken]: a credential signed in as that identity, the
// way a device-code or browser credential is once its user has signed in.
type Credential string

// GetToken implements azcore.TokenCredential.
func (c Credential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(c), ExpiresOn: time.Now().Add(time.Hour)}, nil
}
