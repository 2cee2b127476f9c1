package graphdir

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cloudhub/consent/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// The sign-in policies (security defaults, Conditional Access policies,
// authentication strengths) are decoded with encoding/json into the
// directory types, which carry Graph's JSON names, rather than with the
// SDK's models: the SDK's enum parsers drop the values they do not know
// (ParseAuthenticationMethodModes, ParseConditionalAccessClientApp), and a
// dropped authentication method mode could make a strength look
// phishing-resistant when it is not, and a dropped condition could make a
// policy look unconditional. The directory types keep every value as Graph
// wrote it and every condition they do not model
// (directory.ConditionalAccessConditions.Other).

const (
	opGetSecurityDefaults         op = "get security defaults policy"
	opListConditionalAccess       op = "list Conditional Access policies"
	opListAuthStrengths           op = "list authentication strength policies"
	opListTransitiveMemberOf      op = "list transitive group memberships of user"
	securityDefaultsPath             = "/policies/identitySecurityDefaultsEnforcementPolicy"
	conditionalAccessPath            = "/identity/conditionalAccess/policies"
	authenticationStrengthsPath      = "/policies/authenticationStrengthPolicies"
	transitiveMemberOfSelectQuery    = "$select=id,displayName"
	groupODataType                   = "#microsoft.graph.group"
)

var (
	_ directory.SignInPolicyReader = (*Directory)(nil)
	_ directory.MemberOfReader     = (*Directory)(nil)
)

// getSecurityDefaults is GET /policies/identitySecurityDefaultsEnforcementPolicy.
func getSecurityDefaults() *request {
	return get(opGetSecurityDefaults, "", securityDefaultsPath, endpointGetSecurityDefaults)
}

// listConditionalAccess is GET /identity/conditionalAccess/policies.
func listConditionalAccess() *request {
	return get(opListConditionalAccess, "", conditionalAccessPath, endpointListConditionalAccess)
}

// listAuthStrengths is GET /policies/authenticationStrengthPolicies.
func listAuthStrengths() *request {
	return get(opListAuthStrengths, "", authenticationStrengthsPath, endpointListAuthStrengths)
}

// listTransitiveMemberOf is GET
// /users/{id}/transitiveMemberOf?$select=id,displayName. It is not cast to
// microsoft.graph.group (a cast needs ConsistencyLevel: eventual and
// $count); the groups are picked out by their @odata.type.
func listTransitiveMemberOf(key string) *request {
	return get(opListTransitiveMemberOf, quote(key), userPath(key)+"/transitiveMemberOf?"+transitiveMemberOfSelectQuery, endpointListTransitiveMemberOf)
}

// listMemberships is GET
// /users/{id}/transitiveMemberOf?$select=id,displayName,isAssignableToRole:
// the one read of the user's memberships when a Snapshot asks for both
// MemberOf and the role paths. Uncast, like [listTransitiveMemberOf], it
// lists every group (MemberOf's need); isAssignableToRole picks out the
// groups that may hold roles (the role paths' need, otherwise read with
// [listGroups]).
func listMemberships(key string) *request {
	return get(opListTransitiveMemberOf, quote(key), userPath(key)+"/transitiveMemberOf?"+transitiveMemberOfSelectQuery+",isAssignableToRole", endpointListTransitiveMemberOf)
}

// userMembership is one directoryObject of [listMemberships]: member as
// MemberOf gives it (zero for anything but a group), candidate as the role
// paths give a group that may hold roles (nil for any other object).
type userMembership struct {
	member    directory.Group
	candidate *directory.Group
}

var userMemberships = collectionOf[models.DirectoryObjectCollectionResponseable](
	models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue, func(m models.DirectoryObjectable) userMembership {
		ms := userMembership{member: memberGroupFromModel(m)}
		if gm, ok := m.(models.Groupable); ok && ms.member.ID != "" && mayHoldRoles(gm) {
			g := groupFromModel(gm)
			ms.candidate = &g
		}
		return ms
	})

// splitMemberships gives MemberOf's groups and the role paths' candidates.
func splitMemberships(ms []userMembership, err error) (member []directory.Group, candidates []*directory.Group, _ error) {
	if err != nil {
		return nil, nil, err
	}
	member = make([]directory.Group, 0, len(ms))
	for _, m := range ms {
		member = append(member, m.member)
		candidates = append(candidates, m.candidate)
	}
	member, _ = groupsOnly(member, nil)
	return member, candidates, nil
}

// jsonCollection is a collection decoded with encoding/json.
func jsonCollection[T any]() collection[T] {
	return collection[T]{json: func(body []byte) ([]T, string, bool) {
		var page struct {
			Value    *[]T   `json:"value"`
			NextLink string `json:"@odata.nextLink"`
		}
		if json.Unmarshal(body, &page) != nil || page.Value == nil {
			return nil, "", false
		}
		return *page.Value, page.NextLink, true
	}}
}

var (
	conditionalAccessPolicies = jsonCollection[directory.ConditionalAccessPolicy]()
	authStrengths             = jsonCollection[directory.AuthenticationStrength]()
	memberOf                  = collectionOf[models.DirectoryObjectCollectionResponseable](
		models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue, memberGroupFromModel)
)

// memberGroupFromModel converts a directoryObject; anything but a group (a
// directory role, an administrative unit) gives a zero Group.
func memberGroupFromModel(m models.DirectoryObjectable) directory.Group {
	if !strings.EqualFold(deref(m.GetOdataType()), groupODataType) {
		return directory.Group{}
	}
	g := directory.Group{ID: deref(m.GetId())}
	if gm, ok := m.(models.Groupable); ok {
		g.DisplayName = deref(gm.GetDisplayName())
	}
	return g
}

// groupsOnly drops the zero Groups of non-group objects.
func groupsOnly(gs []directory.Group, err error) ([]directory.Group, error) {
	if err != nil {
		return nil, err
	}
	out := gs[:0]
	for _, g := range gs {
		if g.ID != "" {
			out = append(out, g)
		}
	}
	return out, nil
}

// readSecurityDefaults decodes the answer to GET
// /policies/identitySecurityDefaultsEnforcementPolicy.
func readSecurityDefaults(r *request, a *answer) (directory.SecurityDefaults, error) {
	var v struct {
		directory.SecurityDefaults
		IsEnabled *bool `json:"isEnabled"`
	}
	if err := json.Unmarshal(a.body, &v); err != nil || v.IsEnabled == nil {
		return directory.SecurityDefaults{}, unexpected(r.op, r.object, a.status, "no identitySecurityDefaultsEnforcementPolicy object with isEnabled")
	}
	v.SecurityDefaults.IsEnabled = *v.IsEnabled
	return v.SecurityDefaults, nil
}

// policyItems are the $batch items of the sign-in policies.
type policyItems struct{ defaults, ca, strengths *batchItem }

func newPolicyItems() policyItems {
	return policyItems{item(getSecurityDefaults()), item(listConditionalAccess()), item(listAuthStrengths())}
}

func (p policyItems) items() []*batchItem { return []*batchItem{p.defaults, p.ca, p.strengths} }

// read decodes the answers (and follows the pages) of the items.
func (p policyItems) read(ctx context.Context, d *Directory) directory.SignInPolicies {
	var out directory.SignInPolicies
	if out.SecurityDefaultsErr = p.defaults.error(); out.SecurityDefaultsErr == nil {
		out.SecurityDefaults, out.SecurityDefaultsErr = readSecurityDefaults(p.defaults.request, p.defaults.answer())
	}
	out.ConditionalAccess, out.ConditionalAccessErr = readList(ctx, d, p.ca, conditionalAccessPolicies)
	out.AuthenticationStrengths, out.AuthenticationStrengthsErr = readList(ctx, d, p.strengths, authStrengths)
	return out
}

// SignInPolicies implements [directory.SignInPolicyReader] with one $batch
// round trip (and one more per page beyond the first).
func (d *Directory) SignInPolicies(ctx context.Context) (directory.SignInPolicies, error) {
	if err := ctx.Err(); err != nil {
		return directory.SignInPolicies{}, err
	}
	p := newPolicyItems()
	if err := d.batch(ctx, p.items()); err != nil && ctx.Err() != nil {
		return directory.SignInPolicies{}, ctx.Err()
	}
	out := p.read(ctx, d)
	if err := ctx.Err(); err != nil {
		return directory.SignInPolicies{}, err
	}
	return out, nil
}

// TransitiveMemberOf implements [directory.MemberOfReader]: GET
// /users/{id}/transitiveMemberOf, groups only.
func (d *Directory) TransitiveMemberOf(ctx context.Context, userID string) ([]directory.Group, error) {
	if userID == "" {
		return nil, invalidArgument(opListTransitiveMemberOf, quote(userID), "empty object ID")
	}
	return groupsOnly(list(ctx, d, listTransitiveMemberOf(userID), memberOf, nil))
}
