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
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	nethttplibrary "github.com/microsoft/kiota-http-go"
	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/domains"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/rolemanagement"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
)

// Directory is a [directory.Directory] over Microsoft Graph v1.0, with the
// optional [directory.Snapshotter], [directory.RoleAssigner] and
// [directory.UserDeleter]. Create it with [New]; it is safe for concurrent
// use by multiple goroutines.
type Directory struct {
	adapter *nethttplibrary.NetHttpRequestAdapter
	base    string
	params  map[string]string // {"baseurl": base}; never written
	cfg     *config
	cache   *upnCache
}

// The SDK's request builders are made afresh for every request: a builder
// is not safe for concurrent use, because the RequestInformation it builds
// shares the builder's path-parameter map, into which the request adapter
// writes the base URL.

func (d *Directory) users() *users.UsersRequestBuilder {
	return users.NewUsersRequestBuilderInternal(d.params, d.adapter)
}

func (d *Directory) roleAssignments() *rolemanagement.DirectoryRoleAssignmentsRequestBuilder {
	return rolemanagement.NewDirectoryRoleAssignmentsRequestBuilderInternal(d.params, d.adapter)
}

func (d *Directory) domains() *domains.DomainsRequestBuilder {
	return domains.NewDomainsRequestBuilderInternal(d.params, d.adapter)
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
	// The SDK's default middleware minus its retry handler (replaced by
	// transport) and its compression handler (bodies here are tiny; it would
	// gzip them and cost CPU for nothing).
	pipeline := nethttplibrary.NewCustomTransportWithParentTransport(cfg.transport,
		nethttplibrary.NewRedirectHandler(),
		nethttplibrary.NewParametersNameDecodingHandler(),
		nethttplibrary.NewUserAgentHandler(),
		nethttplibrary.NewHeadersInspectionHandler(),
	)
	client := &http.Client{
		Transport: &transport{
			next:           pipeline,
			maxRetries:     cfg.maxRetries,
			maxRetryWait:   cfg.maxRetryWait,
			attemptTimeout: cfg.attemptTimeout,
			maxBody:        cfg.maxBody,
			sleep:          cfg.sleep,
			log:            cfg.log,
		},
		// Redirects are the redirect handler's business.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	adapter, err := nethttplibrary.NewNetHttpRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		absauth.NewBaseBearerTokenAuthenticationProvider(tokens),
		jsonserialization.NewJsonParseNodeFactory(),
		jsonserialization.NewJsonSerializationWriterFactory(),
		client,
	)
	if err != nil {
		return nil, fmt.Errorf("graphdir: New: %w", err)
	}
	// The base URL is set before any request builder exists.
	adapter.SetBaseUrl(cfg.base)
	return &Directory{
		adapter: adapter,
		base:    cfg.base,
		params:  map[string]string{"baseurl": cfg.base},
		cfg:     cfg,
		cache:   newUPNCache(upnCacheSize),
	}, nil
}

// forget drops what the UPN cache knows of a user that is gone.
func (d *Directory) forget(idOrUPN string) {
	if isObjectID(idOrUPN) {
		d.cache.forgetID(idOrUPN)
	} else {
		d.cache.forget(idOrUPN)
	}
}

// fail turns the failure of a single request into an *Error.
func (d *Directory) fail(ctx context.Context, o op, object string, c *capture, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return contextError(o, object, ctxErr)
	}
	return parseError(o, object, c.status, c.header, c.body, err)
}

// User implements [directory.Directory]: GET /users/{id | userPrincipalName}
// with $select of every property directory.User carries.
func (d *Directory) User(ctx context.Context, idOrUPN string) (directory.User, error) {
	obj := quote(idOrUPN)
	if err := ctx.Err(); err != nil {
		return directory.User{}, contextError(opGetUser, obj, err)
	}
	if idOrUPN == "" {
		return directory.User{}, invalidArgument(opGetUser, obj, "empty object ID or userPrincipalName")
	}
	c := &capture{}
	var m models.Userable
	var err error
	if strings.HasPrefix(idOrUPN, "$") {
		m, err = users.NewUserItemRequestBuilder(d.base+userPath(idOrUPN)+"?"+userSelectQuery, d.adapter).
			Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{Options: c.options()})
	} else {
		m, err = d.users().ByUserId(idOrUPN).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
			QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: userSelect},
			Options:         c.options(),
		})
	}
	if err != nil {
		e := d.fail(ctx, opGetUser, obj, c, err)
		if errors.Is(e, directory.ErrNotFound) {
			d.forget(idOrUPN)
		}
		return directory.User{}, e
	}
	if m == nil || deref(m.GetId()) == "" {
		return directory.User{}, unexpected(opGetUser, obj, c.status, "no user object")
	}
	u := userFromModel(m)
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
	obj := quote(nu.UserPrincipalName)
	if err := ctx.Err(); err != nil {
		return directory.User{}, contextError(opCreateUser, obj, err)
	}
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

	c := &capture{}
	m, err := d.users().Post(ctx, body, &users.UsersRequestBuilderPostRequestConfiguration{Options: c.options()})
	if err != nil {
		return directory.User{}, d.fail(ctx, opCreateUser, obj, c, err)
	}
	if m == nil || deref(m.GetId()) == "" {
		return directory.User{}, unexpected(opCreateUser, obj, c.status, "no user object")
	}
	got := userFromModel(m)
	created := got.CreatedDateTime
	if created.IsZero() {
		created, err = http.ParseTime(c.header.Get("Date"))
		if err != nil {
			created = time.Now()
		}
		created = created.UTC()
	}
	u := directory.User{
		ID:                         got.ID,
		UserPrincipalName:          firstNonEmpty(got.UserPrincipalName, nu.UserPrincipalName),
		DisplayName:                firstNonEmpty(got.DisplayName, nu.DisplayName),
		MailNickname:               firstNonEmpty(got.MailNickname, nu.MailNickname),
		AccountEnabled:             nu.AccountEnabled,
		UserType:                   firstNonEmpty(got.UserType, directory.UserTypeMember),
		UsageLocation:              firstNonEmpty(got.UsageLocation, nu.UsageLocation),
		EmployeeType:               firstNonEmpty(got.EmployeeType, nu.EmployeeType),
		CreatedDateTime:            created,
		LastPasswordChangeDateTime: created,
		OnPremisesSyncEnabled:      got.OnPremisesSyncEnabled,
	}
	if v := m.GetAccountEnabled(); v != nil {
		u.AccountEnabled = *v
	}
	if !got.LastPasswordChangeDateTime.IsZero() {
		u.LastPasswordChangeDateTime = got.LastPasswordChangeDateTime
	}
	d.cache.put(u.UserPrincipalName, u.ID)
	return u, nil
}

// DeleteUser implements [directory.Directory]: DELETE /users/{id}.
func (d *Directory) DeleteUser(ctx context.Context, id string) error {
	obj := quote(id)
	if err := ctx.Err(); err != nil {
		return contextError(opDeleteUser, obj, err)
	}
	if id == "" {
		return invalidArgument(opDeleteUser, obj, "empty object ID")
	}
	c := &capture{}
	item := d.users().ByUserId(id)
	if strings.HasPrefix(id, "$") {
		item = users.NewUserItemRequestBuilder(d.base+userPath(id), d.adapter)
	}
	err := item.Delete(ctx, &users.UserItemRequestBuilderDeleteRequestConfiguration{Options: c.options()})
	if err != nil {
		e := d.fail(ctx, opDeleteUser, obj, c, err)
		if errors.Is(e, directory.ErrNotFound) {
			d.forget(id)
		}
		return e
	}
	d.forget(id)
	return nil
}

// RoleAssignments implements [directory.Directory]: GET
// /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}',
// following @odata.nextLink.
func (d *Directory) RoleAssignments(ctx context.Context, principalID string) ([]directory.RoleAssignment, error) {
	obj := quote(principalID)
	if err := ctx.Err(); err != nil {
		return nil, contextError(opListRoleAssignments, obj, err)
	}
	if principalID == "" {
		return []directory.RoleAssignment{}, nil
	}
	return d.followAssignments(ctx, obj, principalID, "", nil)
}

func (d *Directory) followAssignments(ctx context.Context, obj, principalID, next string, acc []directory.RoleAssignment) ([]directory.RoleAssignment, error) {
	filter := principalFilter(principalID)
	return follow(ctx, d, opListRoleAssignments, obj, next, acc,
		func(next string, c *capture) (models.UnifiedRoleAssignmentCollectionResponseable, error) {
			if next != "" {
				return d.roleAssignments().WithUrl(next).Get(ctx, &rolemanagement.DirectoryRoleAssignmentsRequestBuilderGetRequestConfiguration{Options: c.options()})
			}
			return d.roleAssignments().Get(ctx, &rolemanagement.DirectoryRoleAssignmentsRequestBuilderGetRequestConfiguration{
				QueryParameters: &rolemanagement.DirectoryRoleAssignmentsRequestBuilderGetQueryParameters{Filter: &filter},
				Options:         c.options(),
			})
		}, assignmentFromModel)
}

// CreateRoleAssignment implements [directory.Directory]: POST
// /roleManagement/directory/roleAssignments with the body of Microsoft's
// documented example.
func (d *Directory) CreateRoleAssignment(ctx context.Context, a directory.RoleAssignment) (directory.RoleAssignment, error) {
	obj := roleObject(roleRef{role: a.RoleDefinitionID, principal: a.PrincipalID})
	if err := ctx.Err(); err != nil {
		return a, contextError(opCreateRoleAssignment, obj, err)
	}
	body := models.NewUnifiedRoleAssignment()
	odataType := unifiedRoleAssignmentType
	body.SetOdataType(&odataType)
	body.SetRoleDefinitionId(&a.RoleDefinitionID)
	body.SetPrincipalId(&a.PrincipalID)
	body.SetDirectoryScopeId(&a.DirectoryScopeID)
	c := &capture{}
	m, err := d.roleAssignments().Post(ctx, body, &rolemanagement.DirectoryRoleAssignmentsRequestBuilderPostRequestConfiguration{Options: c.options()})
	if err != nil {
		return a, d.fail(ctx, opCreateRoleAssignment, obj, c, err)
	}
	if m == nil || deref(m.GetId()) == "" {
		return a, unexpected(opCreateRoleAssignment, obj, c.status, "no role assignment object")
	}
	return completeAssignment(assignmentFromModel(m), a), nil
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
	obj := quote(id)
	if err := ctx.Err(); err != nil {
		return contextError(opDeleteRoleAssignment, obj, err)
	}
	if id == "" {
		return invalidArgument(opDeleteRoleAssignment, obj, "empty role assignment ID")
	}
	c := &capture{}
	err := d.roleAssignments().ByUnifiedRoleAssignmentId(id).Delete(ctx,
		&rolemanagement.DirectoryRoleAssignmentsUnifiedRoleAssignmentItemRequestBuilderDeleteRequestConfiguration{Options: c.options()})
	if err != nil {
		return d.fail(ctx, opDeleteRoleAssignment, obj, c, err)
	}
	return nil
}

// AuthenticationMethods implements [directory.Directory]: GET
// /users/{id}/authentication/methods, following @odata.nextLink. Each
// method's type comes from its @odata.type.
func (d *Directory) AuthenticationMethods(ctx context.Context, userID string) ([]directory.AuthenticationMethod, error) {
	obj := quote(userID)
	if err := ctx.Err(); err != nil {
		return nil, contextError(opListMethods, obj, err)
	}
	if userID == "" {
		return nil, invalidArgument(opListMethods, obj, "empty object ID")
	}
	return d.followMethods(ctx, obj, userID, "", nil)
}

func (d *Directory) followMethods(ctx context.Context, obj, userID, next string, acc []directory.AuthenticationMethod) ([]directory.AuthenticationMethod, error) {
	return follow(ctx, d, opListMethods, obj, next, acc,
		func(next string, c *capture) (models.AuthenticationMethodCollectionResponseable, error) {
			config := &users.ItemAuthenticationMethodsRequestBuilderGetRequestConfiguration{Options: c.options()}
			switch {
			case next != "":
				return users.NewItemAuthenticationMethodsRequestBuilder(next, d.adapter).Get(ctx, config)
			case strings.HasPrefix(userID, "$"):
				return users.NewItemAuthenticationMethodsRequestBuilder(d.base+userPath(userID)+"/authentication/methods", d.adapter).Get(ctx, config)
			default:
				return d.users().ByUserId(userID).Authentication().Methods().Get(ctx, config)
			}
		}, methodFromModel)
}

// Domains implements [directory.Directory]: GET /domains, following
// @odata.nextLink.
func (d *Directory) Domains(ctx context.Context) ([]directory.Domain, error) {
	if err := ctx.Err(); err != nil {
		return nil, contextError(opListDomains, "", err)
	}
	return d.followDomains(ctx, "", nil)
}

func (d *Directory) followDomains(ctx context.Context, next string, acc []directory.Domain) ([]directory.Domain, error) {
	return follow(ctx, d, opListDomains, "", next, acc,
		func(next string, c *capture) (models.DomainCollectionResponseable, error) {
			config := &domains.DomainsRequestBuilderGetRequestConfiguration{Options: c.options()}
			if next != "" {
				return d.domains().WithUrl(next).Get(ctx, config)
			}
			return d.domains().Get(ctx, config)
		}, domainFromModel)
}

// page is a collection response of the SDK.
type page[M any] interface {
	comparable
	GetValue() []M
	GetOdataNextLink() *string
}

// follow reads a collection page by page: the first page when next is "",
// else the page at next (an @odata.nextLink) and the ones after it,
// appending to acc. It reads at most maxPages pages. Each nextLink goes
// through [Directory.nextLink]; one outside the service root is refused by
// the token provider and fails the list with [directory.ErrInvalid].
func follow[P page[M], M any, T any](ctx context.Context, d *Directory, o op, object, next string, acc []T,
	get func(next string, c *capture) (P, error), conv func(M) T) ([]T, error) {
	if acc == nil {
		acc = []T{}
	}
	var zero P
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return nil, unexpected(o, object, 0, "more than %d pages", maxPages)
		}
		if next != "" {
			next = d.nextLink(next)
		}
		c := &capture{}
		p, err := get(next, c)
		if err != nil {
			return nil, d.fail(ctx, o, object, c, err)
		}
		if p == zero {
			return nil, unexpected(o, object, c.status, "no collection")
		}
		if p.GetValue() == nil {
			// A collection without "value" is not an empty collection:
			// reporting it as one would make facts disappear.
			return nil, unexpected(o, object, c.status, "collection without a value array")
		}
		for _, m := range p.GetValue() {
			acc = append(acc, conv(m))
		}
		next = deref(p.GetOdataNextLink())
		if next == "" {
			return acc, nil
		}
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
