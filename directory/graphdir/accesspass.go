package graphdir

import (
	"context"
	"net/http"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Temporary Access Pass: the tenant's policy and a user's passes, described
// once each like the other requests (see request.go).

var _ directory.AccessPassIssuer = (*Directory)(nil)

const (
	opGetAccessPassPolicy op = "get Temporary Access Pass policy"
	opListAccessPasses    op = "list Temporary Access Passes of user"
	opCreateAccessPass    op = "create Temporary Access Pass for user"
	opDeleteAccessPass    op = "delete Temporary Access Pass of user"
)

// accessPassPolicyPath is the policy's path; Microsoft's "Get
// temporaryAccessPassAuthenticationMethodConfiguration" spells its ID
// temporaryAccessPass, the answer's id is TemporaryAccessPass (IDs are
// case-insensitive).
const accessPassPolicyPath = "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass"

// accessPassRequirement is what the Temporary Access Pass endpoints need,
// from their Microsoft Learn pages (least privileged first; the
// UserAuthMethod-TAP permissions are the newer, narrower ones).
func accessPassRequirement(e endpoint) directory.Requirement {
	switch e {
	case endpointGetAccessPassPolicy:
		// https://learn.microsoft.com/graph/api/temporaryaccesspassauthenticationmethodconfiguration-get
		return directory.Requirement{Permissions: []string{"Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"}, Roles: []string{"Global Reader", "Authentication Policy Administrator"}}
	case endpointListAccessPasses:
		// https://learn.microsoft.com/graph/api/authentication-list-temporaryaccesspassmethods
		return directory.Requirement{Permissions: []string{"UserAuthMethod-TAP.Read.All", "UserAuthenticationMethod.Read.All", "UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"}, Roles: []string{"Global Reader", "Authentication Administrator", "Privileged Authentication Administrator"}}
	default:
		// https://learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods
		// and temporaryaccesspassauthenticationmethod-delete. An
		// Authentication Administrator may act only on users without
		// admin roles; a Privileged Authentication Administrator on all.
		return directory.Requirement{Permissions: []string{"UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"}, Roles: []string{"Authentication Administrator", "Privileged Authentication Administrator"}}
	}
}

// getAccessPassPolicy is GET on the policy, with $expand=includeTargets
// when expand is set.
func getAccessPassPolicy(expand bool) *request {
	path := accessPassPolicyPath
	if expand {
		path += "?$expand=includeTargets"
	}
	return get(opGetAccessPassPolicy, `"TemporaryAccessPass"`, path, endpointGetAccessPassPolicy)
}

func accessPassesPath(userID string) string {
	return userPath(userID) + "/authentication/temporaryAccessPassMethods"
}

// listAccessPasses is GET /users/{id}/authentication/temporaryAccessPassMethods.
func listAccessPasses(userID string) *request {
	return get(opListAccessPasses, quote(userID), accessPassesPath(userID), endpointListAccessPasses)
}

// createAccessPass is POST /users/{id}/authentication/temporaryAccessPassMethods
// with the body of Microsoft's documented example (startDateTime,
// lifetimeInMinutes, isUsableOnce), each property sent only when set.
func createAccessPass(userID string, np directory.NewAccessPass) *request {
	body := models.NewTemporaryAccessPassAuthenticationMethod()
	body.SetOdataType(nil) // not in Microsoft's example
	if !np.StartDateTime.IsZero() {
		start := np.StartDateTime.UTC()
		body.SetStartDateTime(&start)
	}
	if np.Lifetime != 0 {
		minutes := int32(np.Lifetime / time.Minute)
		body.SetLifetimeInMinutes(&minutes)
	}
	once := np.UsableOnce
	body.SetIsUsableOnce(&once)
	return (&request{op: opCreateAccessPass, object: quote(userID), method: http.MethodPost,
		path: accessPassesPath(userID), need: endpointCreateAccessPass}).withBody(body)
}

// deleteAccessPass is DELETE /users/{id}/authentication/temporaryAccessPassMethods/{id}.
func deleteAccessPass(userID, passID string) *request {
	return &request{op: opDeleteAccessPass, object: quote(userID) + " (pass " + quote(passID) + ")", method: http.MethodDelete,
		path: accessPassesPath(userID) + "/" + escapeSegment(passID), need: endpointDeleteAccessPass}
}

// AccessPassPolicy implements [directory.AccessPassIssuer]: GET
// /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass.
//
// Microsoft documents includeTargets as a relationship, and its example
// answer carries it without $expand. Both readings are handled: when the
// answer leaves includeTargets out, the policy is read again with
// $expand=includeTargets; if that answer leaves it out too,
// IncludeTargets is nil (unknown).
func (d *Directory) AccessPassPolicy(ctx context.Context) (directory.AccessPassPolicy, error) {
	r := getAccessPassPolicy(false)
	if err := ctx.Err(); err != nil {
		return directory.AccessPassPolicy{}, contextError(r.op, r.object, err)
	}
	p, ok, err := d.readAccessPassPolicy(ctx, r)
	if err != nil || ok {
		return p, err
	}
	p, _, err = d.readAccessPassPolicy(ctx, getAccessPassPolicy(true))
	return p, err
}

// readAccessPassPolicy sends r and decodes the policy; ok reports that the
// answer carried includeTargets.
func (d *Directory) readAccessPassPolicy(ctx context.Context, r *request) (directory.AccessPassPolicy, bool, error) {
	a, err := d.do(ctx, r)
	if err != nil {
		return directory.AccessPassPolicy{}, false, err
	}
	m, err := decode[models.TemporaryAccessPassAuthenticationMethodConfigurationable](a.body, models.CreateTemporaryAccessPassAuthenticationMethodConfigurationFromDiscriminatorValue)
	if err != nil || m == nil || m.GetState() == nil {
		return directory.AccessPassPolicy{}, false, unexpected(r.op, r.object, a.status, "no Temporary Access Pass policy")
	}
	p := directory.AccessPassPolicy{
		Enabled:         *m.GetState() == models.ENABLED_AUTHENTICATIONMETHODSTATE,
		MinimumLifetime: minutes(m.GetMinimumLifetimeInMinutes()),
		MaximumLifetime: minutes(m.GetMaximumLifetimeInMinutes()),
		DefaultLifetime: minutes(m.GetDefaultLifetimeInMinutes()),
		UsableOnce:      derefBool(m.GetIsUsableOnce()),
		ExcludeTargets:  []directory.PolicyTarget{},
	}
	if n := m.GetDefaultLength(); n != nil {
		p.DefaultLength = int(*n)
	}
	for _, t := range m.GetExcludeTargets() {
		p.ExcludeTargets = append(p.ExcludeTargets, directory.PolicyTarget{ID: deref(t.GetId()), Type: targetType(t.GetTargetType())})
	}
	if ts := m.GetIncludeTargets(); ts != nil {
		p.IncludeTargets = make([]directory.PolicyTarget, 0, len(ts))
		for _, t := range ts {
			p.IncludeTargets = append(p.IncludeTargets, directory.PolicyTarget{ID: deref(t.GetId()), Type: targetType(t.GetTargetType())})
		}
	}
	return p, p.IncludeTargets != nil, nil
}

func targetType(t *models.AuthenticationMethodTargetType) string {
	if t == nil {
		return ""
	}
	return t.String()
}

func minutes(n *int32) time.Duration {
	if n == nil {
		return 0
	}
	return time.Duration(*n) * time.Minute
}

// AccessPasses implements [directory.AccessPassIssuer]: GET
// /users/{id}/authentication/temporaryAccessPassMethods, following
// @odata.nextLink.
func (d *Directory) AccessPasses(ctx context.Context, userID string) ([]directory.AccessPass, error) {
	r := listAccessPasses(userID)
	if err := ctx.Err(); err != nil {
		return nil, contextError(r.op, r.object, err)
	}
	if userID == "" {
		return nil, invalidArgument(r.op, r.object, "empty object ID")
	}
	return list(ctx, d, r, accessPasses, nil)
}

// CreateAccessPass implements [directory.AccessPassIssuer]: POST
// /users/{id}/authentication/temporaryAccessPassMethods. The answer (201)
// is the only one that carries the passcode. Microsoft documents that a
// new pass replaces the user's current one; the policy's refusals are not
// documented and are classified by status ([directory.ErrInvalid] for a
// 400).
func (d *Directory) CreateAccessPass(ctx context.Context, userID string, np directory.NewAccessPass) (directory.AccessPass, error) {
	r := createAccessPass(userID, np)
	if err := ctx.Err(); err != nil {
		return directory.AccessPass{}, contextError(r.op, r.object, err)
	}
	if userID == "" {
		return directory.AccessPass{}, invalidArgument(r.op, r.object, "empty object ID")
	}
	a, err := d.do(ctx, r)
	if err != nil {
		return directory.AccessPass{}, err
	}
	m, err := decode[models.TemporaryAccessPassAuthenticationMethodable](a.body, models.CreateTemporaryAccessPassAuthenticationMethodFromDiscriminatorValue)
	if err != nil || m == nil || deref(m.GetId()) == "" || deref(m.GetTemporaryAccessPass()) == "" {
		return directory.AccessPass{}, unexpected(r.op, r.object, a.status, "no Temporary Access Pass with its passcode")
	}
	p := accessPassFromModel(m)
	p.Pass = directory.NewPassword(deref(m.GetTemporaryAccessPass()))
	return p, nil
}

// DeleteAccessPass implements [directory.AccessPassIssuer]: DELETE
// /users/{id}/authentication/temporaryAccessPassMethods/{id}.
func (d *Directory) DeleteAccessPass(ctx context.Context, userID, passID string) error {
	r := deleteAccessPass(userID, passID)
	if err := ctx.Err(); err != nil {
		return contextError(r.op, r.object, err)
	}
	if userID == "" || passID == "" {
		return invalidArgument(r.op, r.object, "empty user or pass ID")
	}
	_, err := d.do(ctx, r)
	return err
}

var accessPasses = collectionOf[models.TemporaryAccessPassAuthenticationMethodCollectionResponseable](
	models.CreateTemporaryAccessPassAuthenticationMethodCollectionResponseFromDiscriminatorValue, accessPassFromModel)

// accessPassFromModel converts a temporaryAccessPassAuthenticationMethod,
// without its passcode.
func accessPassFromModel(m models.TemporaryAccessPassAuthenticationMethodable) directory.AccessPass {
	p := directory.AccessPass{
		ID:              deref(m.GetId()),
		CreatedDateTime: derefTime(m.GetCreatedDateTime()),
		StartDateTime:   derefTime(m.GetStartDateTime()),
		Lifetime:        minutes(m.GetLifetimeInMinutes()),
		UsableOnce:      derefBool(m.GetIsUsableOnce()),
		Usable:          derefBool(m.GetIsUsable()),
		Reason:          deref(m.GetMethodUsabilityReason()),
	}
	if p.StartDateTime.IsZero() {
		// Usable from its creation when no start was set.
		p.StartDateTime = p.CreatedDateTime
	}
	return p
}
