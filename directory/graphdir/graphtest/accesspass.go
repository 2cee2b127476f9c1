package graphtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
)

// Temporary Access Pass endpoints.
const (
	GetAccessPassPolicy Endpoint = "GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"
	ListAccessPasses    Endpoint = "GET /users/{id}/authentication/temporaryAccessPassMethods"
	CreateAccessPass    Endpoint = "POST /users/{id}/authentication/temporaryAccessPassMethods"
	DeleteAccessPass    Endpoint = "DELETE /users/{id}/authentication/temporaryAccessPassMethods/{id}"
)

// accessPassPolicyRoute routes /policies/...; only the Temporary Access
// Pass configuration exists.
func accessPassPolicyRoute(method string, segs segments) route {
	if len(segs) == 4 && method == http.MethodGet && segs.is(1, "authenticationMethodsPolicy") &&
		segs.is(2, "authenticationMethodConfigurations") && segs.is(3, "TemporaryAccessPass") {
		return route{endpoint: GetAccessPassPolicy}
	}
	return route{}
}

// accessPassRoute routes what follows /users/{key}.
func accessPassRoute(method, key string, rest segments) route {
	if len(rest) < 2 || !rest.is(0, "authentication") || !rest.is(1, "temporaryAccessPassMethods") {
		return route{}
	}
	switch {
	case len(rest) == 2 && method == http.MethodGet:
		return route{endpoint: ListAccessPasses, key: key}
	case len(rest) == 2 && method == http.MethodPost:
		return route{endpoint: CreateAccessPass, key: key}
	case len(rest) == 3 && method == http.MethodDelete:
		id, err := url.PathUnescape(rest[2])
		if err != nil {
			return route{err: "Invalid Temporary Access Pass ID: " + err.Error()}
		}
		return route{endpoint: DeleteAccessPass, key: key, sub: id}
	}
	return route{}
}

func (c *call) accessPass(rt route) response {
	switch rt.endpoint {
	case GetAccessPassPolicy:
		return c.getAccessPassPolicy()
	case ListAccessPasses:
		return c.listAccessPasses(rt.key)
	case CreateAccessPass:
		return c.createAccessPass(rt.key)
	default:
		return c.deleteAccessPass(rt.key, rt.sub)
	}
}

// GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass,
// answered as in Microsoft's "Get temporaryAccessPassAuthenticationMethodConfiguration" example
// (https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get).
func (c *call) getAccessPassPolicy() response {
	expand := c.query.Get("$expand")
	if expand != "" && !strings.EqualFold(expand, "includeTargets") {
		return c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Parsing OData Select and Expand failed: Could not find a property named '%s'.", expand))
	}
	p, err := c.s.fake.AccessPassPolicy(c.ctx)
	if err != nil {
		return c.fakeError(err, "TemporaryAccessPass")
	}
	state := "disabled"
	if p.Enabled {
		state = "enabled"
	}
	o := object{
		{"@odata.context", c.s.URL + "/$metadata#authenticationMethodConfigurations/$entity"},
		{"@odata.type", "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"},
		{"id", "TemporaryAccessPass"},
		{"state", state},
		{"defaultLifetimeInMinutes", int(p.DefaultLifetime / time.Minute)},
		{"defaultLength", p.DefaultLength},
		{"minimumLifetimeInMinutes", int(p.MinimumLifetime / time.Minute)},
		{"maximumLifetimeInMinutes", int(p.MaximumLifetime / time.Minute)},
		{"isUsableOnce", p.UsableOnce},
	}
	if !c.s.policyTargetsExpand || expand != "" {
		in := make([]any, len(p.IncludeTargets))
		for i, t := range p.IncludeTargets {
			in[i] = object{{"targetType", t.Type}, {"id", t.ID}, {"isRegistrationRequired", false}}
		}
		o = append(o, field{"includeTargets", in})
	}
	ex := make([]any, len(p.ExcludeTargets))
	for i, t := range p.ExcludeTargets {
		ex[i] = object{{"id", t.ID}, {"targetType", t.Type}}
	}
	return response{status: http.StatusOK, body: append(o, field{"excludeTargets", ex})}
}

// accessPassFields renders a pass's properties as Microsoft's
// temporaryAccessPassAuthenticationMethod resource has them; the passcode
// only in the answer to its creation.
func accessPassFields(p *directory.AccessPass) object {
	if p == nil {
		return object{{"createdDateTime", nil}, {"isUsable", nil}}
	}
	var code any
	if !p.Pass.IsZero() {
		code = p.Pass.Reveal()
	}
	return object{
		{"temporaryAccessPass", code},
		{"createdDateTime", graphTime(p.CreatedDateTime)},
		{"startDateTime", graphTime(p.StartDateTime)},
		{"lifetimeInMinutes", int(p.Lifetime / time.Minute)},
		{"isUsableOnce", p.UsableOnce},
		{"isUsable", p.Usable},
		{"methodUsabilityReason", p.Reason},
	}
}

func accessPassObject(p directory.AccessPass) object {
	o := object{{"@odata.type", "#microsoft.graph.temporaryAccessPassAuthenticationMethod"}, {"id", p.ID}}
	return append(o, accessPassFields(&p)...)
}

// GET /users/{id}/authentication/temporaryAccessPassMethods
// (https://learn.microsoft.com/graph/api/authentication-list-temporaryaccesspassmethods).
func (c *call) listAccessPasses(key string) response {
	ps, err := c.s.fake.AccessPasses(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	items := make([]any, len(ps))
	for i, p := range ps {
		items[i] = accessPassObject(p)
	}
	return c.page(fmt.Sprintf("users('%s')/authentication/temporaryAccessPassMethods", key), items)
}

// newAccessPassBody is the body of Microsoft's "Create
// temporaryAccessPassMethod" example; every property is optional.
type newAccessPassBody struct {
	StartDateTime     *string `json:"startDateTime"`
	LifetimeInMinutes *int    `json:"lifetimeInMinutes"`
	IsUsableOnce      *bool   `json:"isUsableOnce"`
}

// POST /users/{id}/authentication/temporaryAccessPassMethods
// (https://learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods):
// 201 with the pass and its passcode. Microsoft does not document the
// answers to a pass its policy refuses; the server answers them 400
// BadRequest with the reason.
func (c *call) createAccessPass(key string) response {
	var in newAccessPassBody
	if err := json.Unmarshal(c.body, &in); err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
	}
	var np directory.NewAccessPass
	if in.StartDateTime != nil {
		t, err := time.Parse(time.RFC3339Nano, *in.StartDateTime)
		if err != nil {
			return c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid startDateTime %q.", *in.StartDateTime))
		}
		np.StartDateTime = t
	}
	if in.LifetimeInMinutes != nil {
		np.Lifetime = time.Duration(*in.LifetimeInMinutes) * time.Minute
	}
	np.UsableOnce = in.IsUsableOnce != nil && *in.IsUsableOnce
	id := key
	if strings.Contains(key, "@") {
		u, err := c.s.fake.User(c.ctx, key)
		if err != nil {
			return c.fakeError(err, key)
		}
		id = u.ID
	}
	if c.s.passConflicts {
		if ps, err := c.s.fake.AccessPasses(c.ctx, id); err == nil && len(ps) > 0 {
			return c.fail(http.StatusConflict, "conflict", fmt.Sprintf("The user already has a Temporary Access Pass (%s).", ps[0].ID))
		}
	}
	p, err := c.s.fake.CreateAccessPass(c.ctx, id, np)
	switch {
	case errors.Is(err, directory.ErrInvalid):
		return c.fail(http.StatusBadRequest, "BadRequest", strings.TrimPrefix(strings.TrimSuffix(err.Error(), ": "+directory.ErrInvalid.Error()), "directorytest: "))
	case err != nil:
		return c.fakeError(err, key)
	}
	o := object{{"@odata.context", c.s.URL + "/$metadata#users('" + id + "')/authentication/temporaryAccessPassMethods/$entity"}}
	return response{status: http.StatusCreated, body: append(o, accessPassObject(p)...)}
}

// DELETE /users/{id}/authentication/temporaryAccessPassMethods/{id}
// (https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethod-delete).
func (c *call) deleteAccessPass(key, passID string) response {
	if err := c.s.fake.DeleteAccessPass(c.ctx, key, passID); err != nil {
		return c.fakeError(err, passID)
	}
	return response{status: http.StatusNoContent}
}
