package graphtest

import (
	"encoding/json"
	"net/http"
)

// Endpoints of the sign-in policy and group membership reads.
const (
	GetSecurityDefaults        Endpoint = "GET /policies/identitySecurityDefaultsEnforcementPolicy"
	ListConditionalAccess      Endpoint = "GET /identity/conditionalAccess/policies"
	ListAuthenticationStrength Endpoint = "GET /policies/authenticationStrengthPolicies"
	ListTransitiveMemberOf     Endpoint = "GET /users/{id}/transitiveMemberOf"
)

// policyRoute routes the sign-in policy endpoints.
func policyRoute(method string, segs []string, is func(int, string) bool) (route, bool) {
	if method != http.MethodGet {
		return route{}, false
	}
	switch {
	case len(segs) == 2 && is(0, "policies") && is(1, "identitySecurityDefaultsEnforcementPolicy"):
		return route{endpoint: GetSecurityDefaults}, true
	case len(segs) == 2 && is(0, "policies") && is(1, "authenticationStrengthPolicies"):
		return route{endpoint: ListAuthenticationStrength}, true
	case len(segs) == 3 && is(0, "identity") && is(1, "conditionalAccess") && is(2, "policies"):
		return route{endpoint: ListConditionalAccess}, true
	}
	return route{}, false
}

// GET /policies/identitySecurityDefaultsEnforcementPolicy
// (https://learn.microsoft.com/graph/api/identitysecuritydefaultsenforcementpolicy-get)
func (c *call) getSecurityDefaults() response {
	doc, err := c.s.fake.SecurityDefaultsDocument(c.ctx)
	if err != nil {
		return c.fakeError(err, "identitySecurityDefaultsEnforcementPolicy")
	}
	return response{status: http.StatusOK, body: doc}
}

// GET /identity/conditionalAccess/policies
// (https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies):
// each policy as the document it was added as.
func (c *call) listConditionalAccess() response {
	docs, err := c.s.fake.ConditionalAccessDocuments(c.ctx)
	if err != nil {
		return c.fakeError(err, "conditionalAccess/policies")
	}
	return c.page("identity/conditionalAccess/policies", rawItems(docs))
}

// GET /policies/authenticationStrengthPolicies
// (https://learn.microsoft.com/graph/api/authenticationstrengthroot-list-policies)
func (c *call) listAuthenticationStrengths() response {
	docs, err := c.s.fake.AuthenticationStrengthDocuments(c.ctx)
	if err != nil {
		return c.fakeError(err, "authenticationStrengthPolicies")
	}
	return c.page("policies/authenticationStrengthPolicies", rawItems(docs))
}

// GET /users/{id}/transitiveMemberOf
// (https://learn.microsoft.com/graph/api/user-list-transitivememberof): the
// groups, with @odata.type, id and displayName.
func (c *call) listUserTransitiveMemberOf(key string) response {
	gs, err := c.s.fake.TransitiveMemberOf(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	items := make([]any, len(gs))
	for i, g := range gs {
		items[i] = object{{"@odata.type", "#microsoft.graph.group"}, {"id", g.ID}, {"displayName", nullable(g.DisplayName)}}
	}
	return c.page("directoryObjects(id,displayName)", items)
}

func rawItems(docs []json.RawMessage) []any {
	items := make([]any, len(docs))
	for i, d := range docs {
		items[i] = d
	}
	return items
}
