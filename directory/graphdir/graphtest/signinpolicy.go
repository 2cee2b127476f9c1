package graphtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// Endpoints of the sign-in policy and group membership reads.
const (
	GetSecurityDefaults        Endpoint = "GET /policies/identitySecurityDefaultsEnforcementPolicy"
	ListConditionalAccess      Endpoint = "GET /identity/conditionalAccess/policies"
	ListAuthenticationStrength Endpoint = "GET /policies/authenticationStrengthPolicies"
	ListTransitiveMemberOf     Endpoint = "GET /users/{id}/transitiveMemberOf"
)

// policyRoute routes the sign-in policy endpoints.
func policyRoute(method string, segs segments) (route, bool) {
	if method != http.MethodGet {
		return route{}, false
	}
	switch {
	case len(segs) == 2 && segs.is(0, "policies") && segs.is(1, "identitySecurityDefaultsEnforcementPolicy"):
		return route{endpoint: GetSecurityDefaults}, true
	case len(segs) == 2 && segs.is(0, "policies") && segs.is(1, "authenticationStrengthPolicies"):
		return route{endpoint: ListAuthenticationStrength}, true
	case len(segs) == 3 && segs.is(0, "identity") && segs.is(1, "conditionalAccess") && segs.is(2, "policies"):
		return route{endpoint: ListConditionalAccess}, true
	}
	return route{}, false
}

// GET /policies/identitySecurityDefaultsEnforcementPolicy
// (https://learn.microsoft.com/graph/api/identitysecuritydefaultsenforcementpolicy-get)
func (c *call) getSecurityDefaults() response {
	if r, denied := c.policyDenied(); denied {
		return r
	}
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
	if r, denied := c.policyDenied(); denied {
		return r
	}
	docs, err := c.s.fake.ConditionalAccessDocuments(c.ctx)
	if err != nil {
		return c.fakeError(err, "conditionalAccess/policies")
	}
	return c.page("identity/conditionalAccess/policies", rawItems(docs))
}

// GET /policies/authenticationStrengthPolicies
// (https://learn.microsoft.com/graph/api/authenticationstrengthroot-list-policies)
func (c *call) listAuthenticationStrengths() response {
	if r, denied := c.policyDenied(); denied {
		return r
	}
	docs, err := c.s.fake.AuthenticationStrengthDocuments(c.ctx)
	if err != nil {
		return c.fakeError(err, "authenticationStrengthPolicies")
	}
	return c.page("policies/authenticationStrengthPolicies", rawItems(docs))
}

// GET /users/{id}/transitiveMemberOf
// (https://learn.microsoft.com/graph/api/user-list-transitivememberof): the
// groups, with @odata.type and the properties $select names among id,
// displayName and isAssignableToRole (id and displayName without one).
// Asked for isAssignableToRole, the request is graphdir's one read of the
// memberships for both a Snapshot's MemberOf and its role paths, and the
// application's request answers as the Fake reads both: a fault on either
// directorytest.OpTransitiveMemberOf or directorytest.OpGroupMemberships
// fails it.
func (c *call) listUserTransitiveMemberOf(key string) response {
	r, ok := c.dir.(directory.MemberOfReader)
	if !ok {
		return c.fail(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
	}
	sel, bad, ok := c.groupSelect([]string{"id", "displayName"})
	if !ok {
		return bad
	}
	gs, err := r.TransitiveMemberOf(c.ctx, key)
	if err == nil && slices.Contains(sel, "isAssignableToRole") && c.who.view == nil {
		gs, err = c.s.fake.MemberOf(c.ctx, key)
	}
	if err != nil {
		return c.fakeError(err, key)
	}
	return c.page("directoryObjects("+strings.Join(sel, ",")+")", groupObjects(gs, sel))
}

// policyDenied answers a user token that may not read the policies
// (directorytest.SignedIn.PolicyAccess) the way Graph does.
func (c *call) policyDenied() (response, bool) {
	if c.who.view == nil {
		return response{}, false
	}
	if err := c.who.view.PolicyAccess(); err != nil {
		return c.fakeError(err, "policies"), true
	}
	return response{}, false
}

func rawItems(docs []json.RawMessage) []any {
	items := make([]any, len(docs))
	for i, d := range docs {
		items[i] = d
	}
	return items
}
