package graphtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/internal/odata"
)

// call is one request being served.
type call struct {
	s        *Server
	ctx      context.Context
	rel      string
	query    url.Values
	rawQuery string
	body     []byte
	crid     string
	// who is who the request's token signs in as, and dir what it reads
	// and writes through: the user's signed-in view, or the whole fake
	// for an application.
	who identity
	dir directory.Directory
}

func (c *call) fail(status int, code, message string, details ...errorDetail) response {
	return c.s.errorResponse(status, code, message, details, c.crid)
}

func notFoundMessage(object string) string {
	return fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", object)
}

// Messages of the answers the fake's errors become.
const (
	duplicateUPNMessage      = "Another object with the same value for property userPrincipalName already exists."
	conflictingObjectMessage = "A conflicting object with one or more of the specified property values is present in the directory."
	unverifiedDomainMessage  = "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."
	weakPasswordMessage      = "The specified password does not comply with password complexity requirements. Please provide a different password."
	deniedMessage            = "Insufficient privileges to complete the operation."
)

// fakeError turns an error of the fake into Graph's answer.
func (c *call) fakeError(err error, object string) response {
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return c.fail(http.StatusNotFound, "Request_ResourceNotFound", notFoundMessage(object))
	case errors.Is(err, directory.ErrExists):
		return c.fail(http.StatusConflict, "Request_BadRequest", conflictingObjectMessage)
	case errors.Is(err, directory.ErrPermission):
		return c.fail(http.StatusForbidden, "Authorization_RequestDenied", deniedMessage)
	case errors.Is(err, directory.ErrThrottled):
		r := c.s.throttleResponse(c.crid)
		r.header.Set("Retry-After", "1")
		return r
	case errors.Is(err, directory.ErrInvalid):
		return c.fail(http.StatusBadRequest, "Request_BadRequest", "Invalid request: "+err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return c.fail(http.StatusServiceUnavailable, "serviceNotAvailable", "The request was canceled.")
	default:
		return c.fail(http.StatusInternalServerError, "generalException", "General exception while processing.")
	}
}

// GET /users/{id | userPrincipalName}
func (c *call) getUser(key string) response {
	if selectsSignInActivity(c.query.Get("$select")) { // rolepaths.go
		return c.getSignInActivity(key)
	}
	sel, bad, ok := c.selectProps("user", userProperties)
	if !ok {
		return bad
	}
	u, err := c.dir.User(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	ctxURL := "users/$entity"
	if sel != nil {
		ctxURL = "users(" + strings.Join(sel, ",") + ")/$entity"
	} else {
		sel = defaultUserProperties
	}
	o := object{{"@odata.context", c.s.URL + "/$metadata#" + ctxURL}}
	return response{status: http.StatusOK, body: append(o, userFields(u, sel)...)}
}

// userFields renders the properties props of u the way Graph does: dates in
// RFC 3339 to the second, null for what is unset or not modelled.
func userFields(u directory.User, props []string) object {
	o := make(object, 0, len(props))
	for _, p := range props {
		var v any
		switch p {
		case "id":
			v = u.ID
		case "userPrincipalName":
			v = u.UserPrincipalName
		case "displayName":
			v = nullable(u.DisplayName)
		case "mailNickname":
			v = nullable(u.MailNickname)
		case "accountEnabled":
			v = u.AccountEnabled
		case "userType":
			v = nullable(u.UserType)
		case "usageLocation":
			v = nullable(u.UsageLocation)
		case "employeeType":
			v = nullable(u.EmployeeType)
		case "createdDateTime":
			v = graphTime(u.CreatedDateTime)
		case "lastPasswordChangeDateTime":
			v = graphTime(u.LastPasswordChangeDateTime)
		case "onPremisesSyncEnabled":
			// null for a user never synchronised from on-premises.
			if u.OnPremisesSyncEnabled {
				v = true
			}
		case "businessPhones", "imAddresses", "otherMails", "proxyAddresses", "assignedLicenses",
			"assignedPlans", "identities", "interests", "pastProjects", "responsibilities", "schools", "skills":
			v = []any{}
		}
		o = append(o, field{p, v})
	}
	return o
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func graphTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// newUserBody is the part of a POST /users body the server reads.
type newUserBody struct {
	AccountEnabled    *bool   `json:"accountEnabled"`
	DisplayName       *string `json:"displayName"`
	MailNickname      *string `json:"mailNickname"`
	UserPrincipalName *string `json:"userPrincipalName"`
	UsageLocation     *string `json:"usageLocation"`
	EmployeeType      *string `json:"employeeType"`
	PasswordProfile   *struct {
		ForceChangePasswordNextSignIn *bool   `json:"forceChangePasswordNextSignIn"`
		Password                      *string `json:"password"`
	} `json:"passwordProfile"`
}

// POST /users
func (c *call) createUser() response {
	var in newUserBody
	if err := json.Unmarshal(c.body, &in); err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
	}
	for _, req := range []struct {
		name    string
		missing bool
	}{
		{"accountEnabled", in.AccountEnabled == nil},
		{"displayName", in.DisplayName == nil},
		{"mailNickname", in.MailNickname == nil},
		{"userPrincipalName", in.UserPrincipalName == nil},
		{"passwordProfile", in.PasswordProfile == nil || in.PasswordProfile.Password == nil},
	} {
		if req.missing {
			return c.fail(http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Property '%s' is required when creating the entity.", req.name),
				errorDetail{Code: "PropertyRequired", Target: req.name})
		}
	}
	nu := directory.NewUser{
		UserPrincipalName:             *in.UserPrincipalName,
		DisplayName:                   *in.DisplayName,
		MailNickname:                  *in.MailNickname,
		UsageLocation:                 deref(in.UsageLocation),
		EmployeeType:                  deref(in.EmployeeType),
		AccountEnabled:                *in.AccountEnabled,
		Password:                      directory.NewPassword(*in.PasswordProfile.Password),
		ForceChangePasswordNextSignIn: in.PasswordProfile.ForceChangePasswordNextSignIn != nil && *in.PasswordProfile.ForceChangePasswordNextSignIn,
	}
	u, err := c.dir.CreateUser(c.ctx, nu)
	switch {
	case errors.Is(err, directory.ErrExists):
		return c.fail(http.StatusBadRequest, "Request_BadRequest", duplicateUPNMessage,
			errorDetail{Code: "ObjectConflict", Target: "userPrincipalName"})
	case errors.Is(err, directory.ErrInvalid):
		return c.invalidUser(nu, err)
	case err != nil:
		return c.fakeError(err, nu.UserPrincipalName)
	}
	h := http.Header{}
	// Graph's answer carries only the default properties; its Date is
	// the creation time.
	h.Set("Date", u.CreatedDateTime.UTC().Format(http.TimeFormat))
	h.Set("Location", c.s.URL+"/directoryObjects/"+u.ID+"/Microsoft.DirectoryServices.User")
	o := object{{"@odata.context", c.s.URL + "/$metadata#users/$entity"}}
	return response{status: http.StatusCreated, header: h, body: append(o, userFields(u, defaultUserProperties)...)}
}

// invalidUser words the fake's refusal of a new user the way Graph does.
func (c *call) invalidUser(nu directory.NewUser, err error) response {
	_, domain, _ := strings.Cut(nu.UserPrincipalName, "@")
	if ds, derr := c.dir.Domains(c.ctx); derr == nil && domain != "" {
		verified := false
		for _, d := range ds {
			verified = verified || d.IsVerified && strings.EqualFold(d.ID, domain)
		}
		if !verified {
			return c.fail(http.StatusBadRequest, "Request_BadRequest", unverifiedDomainMessage,
				errorDetail{Code: "InvalidValue", Target: "userPrincipalName"})
		}
	}
	if directory.CheckPasswordComplexity(nu.Password.Reveal()) != nil {
		return c.fail(http.StatusBadRequest, "Request_BadRequest", weakPasswordMessage)
	}
	return c.fakeError(err, nu.UserPrincipalName)
}

// DELETE /users/{id}
func (c *call) deleteUser(key string) response {
	id := key
	if strings.Contains(key, "@") {
		u, err := c.dir.User(c.ctx, key)
		if err != nil {
			return c.fakeError(err, key)
		}
		id = u.ID
	}
	if err := c.dir.DeleteUser(c.ctx, id); err != nil {
		return c.fakeError(err, key)
	}
	return response{status: http.StatusNoContent}
}

// GET /users/{id}/authentication/methods
func (c *call) listMethods(key string) response {
	ms, err := c.dir.AuthenticationMethods(c.ctx, key)
	if err != nil {
		return c.fakeError(err, key)
	}
	items := make([]any, len(ms))
	for i, m := range ms {
		items[i] = methodObject(m)
	}
	return c.page(fmt.Sprintf("users('%s')/authentication/methods", key), items)
}

// methodObject renders a method with its @odata.type and the property that
// labels it for its type.
func methodObject(m directory.AuthenticationMethod) object {
	o := object{{"@odata.type", odata.MethodODataType(m.Type)}, {"id", m.ID}}
	switch m.Type {
	case directory.MethodPassword:
		o = append(o, field{"password", nil}, field{"createdDateTime", nil})
	case directory.MethodPhone:
		o = append(o, field{"phoneNumber", nullable(m.DisplayName)}, field{"phoneType", "mobile"}, field{"smsSignInState", "notSupported"})
	case directory.MethodEmail:
		o = append(o, field{"emailAddress", nullable(m.DisplayName)})
	case directory.MethodSoftwareOath:
		o = append(o, field{"secretKey", nil})
	case directory.MethodTemporaryAccessPass:
		o = append(o, accessPassFields(m.AccessPass)...)
	default:
		o = append(o, field{"displayName", nullable(m.DisplayName)}, field{"createdDateTime", nil})
	}
	return o
}

// GET /roleManagement/directory/roleAssignments?$filter=principalId eq '...'
func (c *call) listRoleAssignments() response {
	f := c.query.Get("$filter")
	if f == "" {
		return c.fail(http.StatusBadRequest, "Request_UnsupportedQuery", "graphtest lists role assignments only with $filter=principalId eq '<id>'.")
	}
	principal, err := parsePrincipalFilter(f)
	if err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
	}
	as, err := c.dir.RoleAssignments(c.ctx, principal)
	if err != nil {
		return c.fakeError(err, principal)
	}
	items := make([]any, len(as))
	for i, a := range as {
		items[i] = object{
			{"id", a.ID},
			{"principalId", a.PrincipalID},
			{"resourceScope", a.DirectoryScopeID},
			{"directoryScopeId", a.DirectoryScopeID},
			{"roleDefinitionId", a.RoleDefinitionID},
		}
	}
	return c.page("roleManagement/directory/roleAssignments", items)
}

type newAssignmentBody struct {
	ODataType        *string `json:"@odata.type"`
	RoleDefinitionID *string `json:"roleDefinitionId"`
	PrincipalID      *string `json:"principalId"`
	DirectoryScopeID *string `json:"directoryScopeId"`
	AppScopeID       *string `json:"appScopeId"`
}

// POST /roleManagement/directory/roleAssignments
func (c *call) createRoleAssignment() response {
	var in newAssignmentBody
	if err := json.Unmarshal(c.body, &in); err != nil {
		return c.fail(http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload: "+err.Error())
	}
	if in.ODataType != nil && *in.ODataType != odata.UnifiedRoleAssignment {
		return c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid @odata.type %q for a unifiedRoleAssignment.", *in.ODataType))
	}
	if in.RoleDefinitionID == nil || in.PrincipalID == nil {
		return c.fail(http.StatusBadRequest, "Request_BadRequest", "roleDefinitionId and principalId are required.")
	}
	if in.DirectoryScopeID == nil {
		return c.fail(http.StatusBadRequest, "Request_BadRequest", "directoryScopeId is required (graphtest does not support appScopeId).")
	}
	a, err := c.dir.CreateRoleAssignment(c.ctx, directory.RoleAssignment{
		PrincipalID:      *in.PrincipalID,
		RoleDefinitionID: *in.RoleDefinitionID,
		DirectoryScopeID: *in.DirectoryScopeID,
	})
	switch {
	case errors.Is(err, directory.ErrExists):
		// As observed in the field: the code alone is the generic one.
		return c.fail(http.StatusBadRequest, "Request_BadRequest", conflictingObjectMessage)
	case errors.Is(err, directory.ErrNotFound):
		return c.fail(http.StatusNotFound, "Request_ResourceNotFound", notFoundMessage(*in.PrincipalID))
	case err != nil:
		return c.fakeError(err, *in.PrincipalID)
	}
	return response{status: http.StatusCreated, body: object{
		{"@odata.context", c.s.URL + "/$metadata#roleManagement/directory/roleAssignments/$entity"},
		{"id", a.ID},
		{"roleDefinitionId", a.RoleDefinitionID},
		{"principalId", a.PrincipalID},
		{"directoryScopeId", a.DirectoryScopeID},
	}}
}

// DELETE /roleManagement/directory/roleAssignments/{id}
func (c *call) deleteRoleAssignment(id string) response {
	if err := c.dir.DeleteRoleAssignment(c.ctx, id); err != nil {
		return c.fakeError(err, id)
	}
	return response{status: http.StatusNoContent}
}

// GET /domains
func (c *call) listDomains() response {
	ds, err := c.dir.Domains(c.ctx)
	if err != nil {
		return c.fakeError(err, "domains")
	}
	items := make([]any, len(ds))
	for i, d := range ds {
		items[i] = object{
			{"authenticationType", "Managed"},
			{"availabilityStatus", nil},
			{"id", d.ID},
			{"isAdminManaged", true},
			{"isDefault", d.IsDefault},
			{"isInitial", d.IsInitial},
			{"isRoot", true},
			{"isVerified", d.IsVerified},
			{"passwordNotificationWindowInDays", nil},
			{"passwordValidityPeriodInDays", nil},
			{"supportedServices", []string{"Email", "OfficeCommunicationsOnline"}},
			{"state", nil},
		}
	}
	return c.page("domains", items)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
