package graphdir

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/internal/odata"
	nethttplibrary "github.com/microsoft/kiota-http-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Directory is a [directory.Directory] over Microsoft Graph v1.0, with the
// optional [directory.Snapshotter], [directory.RoleAssigner],
// [directory.UserDeleter] and [directory.SelfReader]. Create it with [New]; it is safe for concurrent
// use by multiple goroutines.
type Directory struct {
	transport http.RoundTripper // the SDK's middleware over Options.HTTPClient's transport
	tokens    *tokenProvider
	base      string
	cfg       *config
	cache     *upnCache
}

var (
	_ directory.Directory    = (*Directory)(nil)
	_ directory.Snapshotter  = (*Directory)(nil)
	_ directory.RoleAssigner = (*Directory)(nil)
	_ directory.UserDeleter  = (*Directory)(nil)
)

// New returns a Directory that authenticates with cred (any
// azcore.TokenCredential: client secret or certificate, device code,
// interactive browser, managed identity, DefaultAzureCredential...). Tokens
// are requested for the scope of opts.Cloud ("https://graph.microsoft.com/.default"
// by default). opts may be nil. New does no I/O; it fails only on a nil
// credential or invalid options, naming the field.
func New(cred azcore.TokenCredential, opts *Options) (*Directory, error) {
	if cred == nil {
		return nil, errors.New("graphdir: New: nil credential")
	}
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	tokens, err := newTokenProvider(cred, cfg.cloud.Scope(), cfg.baseURL)
	if err != nil {
		return nil, fmt.Errorf("graphdir: New: %w", err)
	}
	return &Directory{
		// The SDK's default middleware minus its retry handler (the
		// retry policy is Directory.exchange's) and its compression
		// handler (bodies here are tiny; it would gzip them and cost CPU
		// for nothing).
		transport: nethttplibrary.NewCustomTransportWithParentTransport(cfg.transport,
			nethttplibrary.NewRedirectHandler(),
			nethttplibrary.NewParametersNameDecodingHandler(),
			nethttplibrary.NewUserAgentHandler(),
			nethttplibrary.NewHeadersInspectionHandler(),
		),
		tokens: tokens,
		base:   cfg.base,
		cfg:    cfg,
		cache:  newUPNCache(upnCacheSize),
	}, nil
}

// forget drops what the UPN cache knows of a user that is gone.
func (d *Directory) forget(idOrUPN string) {
	if directory.IsObjectID(idOrUPN) {
		d.cache.forgetID(idOrUPN)
	} else {
		d.cache.forget(idOrUPN)
	}
}

// The requests of the primitives, each described once; Snapshot and the
// batched writes send the same descriptions as $batch items.

// getUser is GET /users/{id | userPrincipalName} with $select of every
// property directory.User carries.
func getUser(key string) *request {
	return get(opGetUser, quote(key), userPath(key)+"?"+userSelectQuery, endpointGetUser)
}

// listAssignments is GET
// /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'.
func listAssignments(principalID string) *request {
	return get(opListRoleAssignments, quote(principalID),
		"/roleManagement/directory/roleAssignments?$filter="+escapeSegment(principalFilter(principalID)), endpointListRoleAssignments)
}

// listMethods is GET /users/{id | userPrincipalName}/authentication/methods.
func listMethods(key string) *request {
	return get(opListMethods, quote(key), userPath(key)+"/authentication/methods", endpointListMethods)
}

// listDomains is GET /domains.
func listDomains() *request { return get(opListDomains, "", "/domains", endpointListDomains) }

// deleteUser is DELETE /users/{id}.
func deleteUser(id string) *request {
	return &request{op: opDeleteUser, object: quote(id), method: http.MethodDelete, path: userPath(id), need: endpointDeleteUser}
}

// deleteAssignment is DELETE /roleManagement/directory/roleAssignments/{id}.
func deleteAssignment(id string) *request {
	return &request{op: opDeleteRoleAssignment, object: quote(id), method: http.MethodDelete,
		path: "/roleManagement/directory/roleAssignments/" + escapeSegment(id), need: endpointDeleteRoleAssignment}
}

// createAssignment is POST /roleManagement/directory/roleAssignments with
// the body of Microsoft's documented example.
func createAssignment(a directory.RoleAssignment) *request {
	body := models.NewUnifiedRoleAssignment()
	odataType := odata.UnifiedRoleAssignment
	body.SetOdataType(&odataType)
	body.SetRoleDefinitionId(&a.RoleDefinitionID)
	body.SetPrincipalId(&a.PrincipalID)
	body.SetDirectoryScopeId(&a.DirectoryScopeID)
	return (&request{op: opCreateRoleAssignment, object: roleObject(roleRef{role: a.RoleDefinitionID, principal: a.PrincipalID}),
		method: http.MethodPost, path: "/roleManagement/directory/roleAssignments", need: endpointCreateRoleAssignment}).withBody(body)
}

// createUser is POST /users with the body of Microsoft's documented example
// (accountEnabled, displayName, mailNickname, userPrincipalName,
// passwordProfile) plus usageLocation and employeeType when set.
func createUser(nu directory.NewUser) *request {
	body := models.NewUser()
	body.SetOdataType(nil) // not in Microsoft's example; Graph infers it
	body.SetAccountEnabled(&nu.AccountEnabled)
	body.SetDisplayName(&nu.DisplayName)
	body.SetMailNickname(&nu.MailNickname)
	body.SetUserPrincipalName(&nu.UserPrincipalName)
	if nu.UsageLocation != "" {
		body.SetUsageLocation(&nu.UsageLocation)
	}
	if nu.EmployeeType != "" {
		body.SetEmployeeType(&nu.EmployeeType)
	}
	password := nu.Password.Reveal()
	profile := models.NewPasswordProfile()
	profile.SetForceChangePasswordNextSignIn(&nu.ForceChangePasswordNextSignIn)
	profile.SetPassword(&password)
	body.SetPasswordProfile(profile)
	return (&request{op: opCreateUser, object: quote(nu.UserPrincipalName), method: http.MethodPost, path: "/users", need: endpointCreateUser}).withBody(body)
}

// User implements [directory.Directory]: GET /users/{id | userPrincipalName}
// with $select of every property directory.User carries.
func (d *Directory) User(ctx context.Context, idOrUPN string) (directory.User, error) {
	r := getUser(idOrUPN)
	if err := ctx.Err(); err != nil {
		return directory.User{}, contextError(r.op, r.object, err)
	}
	if idOrUPN == "" {
		return directory.User{}, invalidArgument(r.op, r.object, "empty object ID or userPrincipalName")
	}
	a, err := d.do(ctx, r)
	if err != nil {
		if errors.Is(err, directory.ErrNotFound) {
			d.forget(idOrUPN)
		}
		return directory.User{}, err
	}
	u, err := readUser(r, a)
	if err != nil {
		return directory.User{}, err
	}
	d.cache.put(u.UserPrincipalName, u.ID)
	return u, nil
}

// CreateUser implements [directory.Directory]: POST /users with the body of
// Microsoft's documented example (accountEnabled, displayName, mailNickname,
// userPrincipalName, passwordProfile) plus usageLocation and employeeType
// when set.
//
// Graph answers with the user's default properties only; the others are
// those requested, userType is Member, and CreatedDateTime (and
// LastPasswordChangeDateTime, equal for a new user) is the answer's Date.
func (d *Directory) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	r := createUser(nu)
	if err := ctx.Err(); err != nil {
		return directory.User{}, contextError(r.op, r.object, err)
	}
	a, err := d.do(ctx, r)
	if err != nil {
		return directory.User{}, err
	}
	m, err := decode[models.Userable](a.body, models.CreateUserFromDiscriminatorValue)
	if err != nil || m == nil || deref(m.GetId()) == "" {
		return directory.User{}, unexpected(r.op, r.object, a.status, "no user object")
	}
	// What the answer left out is what was asked for.
	u := userFromModel(m)
	u.UserPrincipalName = firstNonEmpty(u.UserPrincipalName, nu.UserPrincipalName)
	u.DisplayName = firstNonEmpty(u.DisplayName, nu.DisplayName)
	u.MailNickname = firstNonEmpty(u.MailNickname, nu.MailNickname)
	u.UserType = firstNonEmpty(u.UserType, directory.UserTypeMember)
	u.UsageLocation = firstNonEmpty(u.UsageLocation, nu.UsageLocation)
	u.EmployeeType = firstNonEmpty(u.EmployeeType, nu.EmployeeType)
	if m.GetAccountEnabled() == nil {
		u.AccountEnabled = nu.AccountEnabled
	}
	if u.CreatedDateTime.IsZero() {
		created, err := http.ParseTime(a.header.Get("Date"))
		if err != nil {
			created = time.Now()
		}
		u.CreatedDateTime = created.UTC()
	}
	if u.LastPasswordChangeDateTime.IsZero() {
		u.LastPasswordChangeDateTime = u.CreatedDateTime
	}
	d.cache.put(u.UserPrincipalName, u.ID)
	return u, nil
}

// DeleteUser implements [directory.Directory]: DELETE /users/{id}.
func (d *Directory) DeleteUser(ctx context.Context, id string) error {
	r := deleteUser(id)
	if err := ctx.Err(); err != nil {
		return contextError(r.op, r.object, err)
	}
	if id == "" {
		return invalidArgument(r.op, r.object, "empty object ID")
	}
	if _, err := d.do(ctx, r); err != nil {
		if errors.Is(err, directory.ErrNotFound) {
			d.forget(id)
		}
		return err
	}
	d.forget(id)
	return nil
}

// RoleAssignments implements [directory.Directory]: GET
// /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}',
// following @odata.nextLink.
func (d *Directory) RoleAssignments(ctx context.Context, principalID string) ([]directory.RoleAssignment, error) {
	r := listAssignments(principalID)
	if err := ctx.Err(); err != nil {
		return nil, contextError(r.op, r.object, err)
	}
	if principalID == "" {
		return []directory.RoleAssignment{}, nil
	}
	return list(ctx, d, r, assignments, nil)
}

// CreateRoleAssignment implements [directory.Directory]: POST
// /roleManagement/directory/roleAssignments with the body of Microsoft's
// documented example.
func (d *Directory) CreateRoleAssignment(ctx context.Context, a directory.RoleAssignment) (directory.RoleAssignment, error) {
	r := createAssignment(a)
	if err := ctx.Err(); err != nil {
		return a, contextError(r.op, r.object, err)
	}
	ans, err := d.do(ctx, r)
	if err != nil {
		return a, err
	}
	got, err := readAssignment(r, ans)
	if err != nil {
		return a, err
	}
	return completeAssignment(got, a), nil
}

// completeAssignment fills what the answer left out from the request.
func completeAssignment(got, req directory.RoleAssignment) directory.RoleAssignment {
	got.PrincipalID = firstNonEmpty(got.PrincipalID, req.PrincipalID)
	got.RoleDefinitionID = firstNonEmpty(got.RoleDefinitionID, req.RoleDefinitionID)
	got.DirectoryScopeID = firstNonEmpty(got.DirectoryScopeID, req.DirectoryScopeID)
	return got
}

// DeleteRoleAssignment implements [directory.Directory]: DELETE
// /roleManagement/directory/roleAssignments/{id}.
func (d *Directory) DeleteRoleAssignment(ctx context.Context, id string) error {
	r := deleteAssignment(id)
	if err := ctx.Err(); err != nil {
		return contextError(r.op, r.object, err)
	}
	if id == "" {
		return invalidArgument(r.op, r.object, "empty role assignment ID")
	}
	_, err := d.do(ctx, r)
	return err
}

// AuthenticationMethods implements [directory.Directory]: GET
// /users/{id}/authentication/methods, following @odata.nextLink. Each
// method's type comes from its @odata.type.
func (d *Directory) AuthenticationMethods(ctx context.Context, userID string) ([]directory.AuthenticationMethod, error) {
	r := listMethods(userID)
	if err := ctx.Err(); err != nil {
		return nil, contextError(r.op, r.object, err)
	}
	if userID == "" {
		return nil, invalidArgument(r.op, r.object, "empty object ID")
	}
	return list(ctx, d, r, methods, nil)
}

// Domains implements [directory.Directory]: GET /domains, following
// @odata.nextLink.
func (d *Directory) Domains(ctx context.Context) ([]directory.Domain, error) {
	r := listDomains()
	if err := ctx.Err(); err != nil {
		return nil, contextError(r.op, r.object, err)
	}
	return list(ctx, d, r, domains, nil)
}

// list reads the collection r lists, page by page: the first page is
// first, the answer to r already sent as a $batch item, or else the answer
// to r sent now; the pages after it are at their @odata.nextLink, at most
// maxPages of them. Each nextLink goes through [Directory.nextLink]; one
// outside the service root is refused by the token provider and fails the
// list with [directory.ErrInvalid].
func list[T any](ctx context.Context, d *Directory, r *request, c collection[T], first *answer) ([]T, error) {
	acc := []T{}
	next := ""
	if first != nil {
		items, link, err := c.readPage(r, first)
		if err != nil {
			return nil, err
		}
		acc, next = items, link
		if next == "" {
			return acc, nil
		}
	}
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return nil, unexpected(r.op, r.object, 0, "more than %d pages", maxPages)
		}
		pr := r
		if next != "" {
			pr = r.page(d.nextLink(next))
		}
		a, err := d.do(ctx, pr)
		if err != nil {
			return nil, err
		}
		items, link, err := c.readPage(pr, a)
		if err != nil {
			return nil, err
		}
		acc = append(acc, items...)
		if link == "" {
			return acc, nil
		}
		next = link
	}
}

// nextLink returns the URL at which to follow the @odata.nextLink link.
//
// Graph writes its own service root into nextLink
// ("https://graph.microsoft.com/v1.0/domains?$skiptoken=..."), also when
// the request reached it through [Options.BaseURL] (a proxy), and only the
// base URL gets a token. So when the base URL is not the cloud's service
// root, a link at the cloud's service root (scheme https, the host of
// [Options.Cloud], port 443, path starting with /v1.0) is moved onto the
// base URL, keeping the rest of the link as Graph wrote it. Any other link
// is returned unchanged: at another origin than the base URL's, the token
// provider refuses it and nothing is sent.
func (d *Directory) nextLink(link string) string {
	if d.base == d.cfg.cloudRoot {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.User != nil || !sameOrigin(u, "https", d.cfg.cloud.Host(), "443") {
		return link
	}
	// What follows the authority, as written (url.Parse ends the authority
	// at the first of these characters too).
	_, rest, _ := strings.Cut(link, "://")
	i := strings.IndexAny(rest, "/?#")
	if i < 0 {
		return link
	}
	rest = rest[i:]
	if len(rest) < len(apiVersion) || !strings.EqualFold(rest[:len(apiVersion)], apiVersion) {
		return link
	}
	rest = rest[len(apiVersion):]
	if rest != "" && rest[0] != '/' && rest[0] != '?' {
		return link // "/v1.0x/...": another root
	}
	return d.base + rest
}
