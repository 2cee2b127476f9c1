package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MicrosoftGraphAppID is the application (client) ID of Microsoft Graph,
// the same in every tenant and cloud. Its service principal is the
// resource of the delegated permission grants that give an application
// Microsoft Graph scopes.
const MicrosoftGraphAppID = "00000003-0000-0000-c000-000000000000"

// Consent types of a [PermissionGrant], as Microsoft Graph names them in
// oAuth2PermissionGrant's consentType.
const (
	// ConsentPrincipal: the grant lets the client act on behalf of one
	// user, PrincipalID.
	ConsentPrincipal = "Principal"
	// ConsentAllPrincipals: the grant lets the client act on behalf of
	// every user of the tenant (an administrator's "Grant admin consent
	// for the organisation").
	ConsentAllPrincipals = "AllPrincipals"
)

// ServicePrincipal is an application's instance in the tenant (an
// "enterprise application"): what a grant names as its client or resource.
type ServicePrincipal struct {
	// ID is the service principal's object ID, which grants refer to.
	ID string `json:"id"`
	// AppID is the application (client) ID, the same in every tenant.
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName,omitempty"`
	// AccountEnabled is false when an administrator disabled the
	// application's sign-ins in the tenant.
	AccountEnabled bool `json:"accountEnabled"`
}

// PermissionGrant is a delegated permission grant (Microsoft Graph's
// oAuth2PermissionGrant): the client may call the resource with the
// scopes in Scope, on behalf of PrincipalID (ConsentPrincipal) or of every
// user (ConsentAllPrincipals).
type PermissionGrant struct {
	// ID is the grant's ID; empty in a request to create one.
	ID string `json:"id,omitempty"`
	// ClientID is the object ID (not the appId) of the client's service
	// principal.
	ClientID string `json:"clientId"`
	// ConsentType is ConsentPrincipal or ConsentAllPrincipals.
	ConsentType string `json:"consentType"`
	// PrincipalID is the user's object ID for ConsentPrincipal, empty for
	// ConsentAllPrincipals.
	PrincipalID string `json:"principalId,omitempty"`
	// ResourceID is the object ID of the resource's service principal.
	ResourceID string `json:"resourceId"`
	// Scope is the space-separated list of granted scopes, as Graph holds
	// it ("User.Read.All Group.Read.All").
	Scope string `json:"scope"`
}

// Scopes returns the scopes of g's Scope, in order, without duplicates
// (compared case-insensitively, as Microsoft Entra compares scope names).
func (g PermissionGrant) Scopes() []string { return SplitScopes(g.Scope) }

// SplitScopes splits a space-separated scope list, dropping empty fields
// and later duplicates (compared case-insensitively).
func SplitScopes(scope string) []string {
	var out []string
	for _, s := range strings.Fields(scope) {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}

// JoinScopes is the Scope of a grant of scopes: the scopes separated by
// single spaces.
func JoinScopes(scopes []string) string { return strings.Join(scopes, " ") }

// ConsentReader is implemented by a directory that can read applications'
// service principals and the delegated permission grants of a client
// application (the Graph backend and the Fake).
type ConsentReader interface {
	// ServicePrincipal returns the service principal of the application
	// whose application (client) ID is appID. An application without a
	// service principal in the tenant gives ErrNotFound; an empty appID
	// gives ErrInvalid.
	ServicePrincipal(ctx context.Context, appID string) (ServicePrincipal, error)

	// PermissionGrants lists the delegated permission grants whose client
	// is the service principal of the application appID, for every
	// resource and consent type. An application without a service
	// principal gives ErrNotFound; an empty appID gives ErrInvalid.
	PermissionGrants(ctx context.Context, appID string) ([]PermissionGrant, error)
}

// ConsentGranter is implemented by a directory that can create service
// principals and create, change and delete delegated permission grants.
type ConsentGranter interface {
	// CreateServicePrincipal creates the service principal of the
	// application appID in the tenant and returns it with its ID set. An
	// application that already has one gives ErrExists; an appID that
	// names no application the tenant may instantiate gives ErrInvalid
	// or ErrNotFound.
	CreateServicePrincipal(ctx context.Context, appID string) (ServicePrincipal, error)

	// CreatePermissionGrant creates g and returns it with its ID set. An
	// unknown client, resource or principal gives ErrNotFound (a user
	// created moments ago may stay unknown for a while: replication lag);
	// a grant for the same client, resource, consent type and principal
	// gives ErrExists.
	CreatePermissionGrant(ctx context.Context, g PermissionGrant) (PermissionGrant, error)

	// UpdatePermissionGrantScope replaces the scopes of the grant id with
	// scope (space-separated). An unknown id gives ErrNotFound.
	UpdatePermissionGrantScope(ctx context.Context, id, scope string) error

	// DeletePermissionGrant deletes the grant id. An unknown id gives
	// ErrNotFound.
	DeletePermissionGrant(ctx context.Context, id string) error
}

// ConsentRequest says which consent a [SnapshotRequest] reads: the
// client application's service principal, the resource's and the client's
// delegated permission grants.
type ConsentRequest struct {
	// ClientAppID is the application (client) ID of the client.
	ClientAppID string
	// ResourceAppID is the application ID of the resource; empty means
	// [MicrosoftGraphAppID].
	ResourceAppID string
}

// Resource returns ResourceAppID, or MicrosoftGraphAppID when it is empty.
func (r ConsentRequest) Resource() string {
	if r.ResourceAppID == "" {
		return MicrosoftGraphAppID
	}
	return r.ResourceAppID
}

// Consent is the consent part of a [Snapshot]. Each part carries its own
// error: an application without a service principal gives ClientErr (and
// GrantsErr) satisfying ErrNotFound; a part the credential may not read,
// ErrPermission.
type Consent struct {
	Client    ServicePrincipal
	ClientErr error

	Resource    ServicePrincipal
	ResourceErr error

	// Grants are every delegated permission grant of the client, for
	// every resource, user and consent type.
	Grants    []PermissionGrant
	GrantsErr error
}

// read reports whether c holds an answer: a service principal read has an
// ID, a failed one an error.
func (c Consent) read() bool { return c.Client.ID != "" || c.ClientErr != nil }

// ReadConsent reads the consent req asks for with d's [ConsentReader]. A
// directory that does not implement it gives every part an error
// satisfying errors.Is(err, [errors.ErrUnsupported]).
func ReadConsent(ctx context.Context, d Directory, req ConsentRequest) Consent {
	r, ok := d.(ConsentReader)
	if !ok {
		err := fmt.Errorf("directory: read the consent of application %q: %T cannot read service principals or permission grants: %w", req.ClientAppID, d, errors.ErrUnsupported)
		return Consent{ClientErr: err, ResourceErr: err, GrantsErr: err}
	}
	var c Consent
	c.Client, c.ClientErr = r.ServicePrincipal(ctx, req.ClientAppID)
	c.Resource, c.ResourceErr = r.ServicePrincipal(ctx, req.Resource())
	if c.ClientErr != nil {
		c.GrantsErr = c.ClientErr
	} else {
		c.Grants, c.GrantsErr = r.PermissionGrants(ctx, req.ClientAppID)
	}
	return c
}
