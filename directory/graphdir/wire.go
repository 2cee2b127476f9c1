package graphdir

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/internal/odata"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// This file converts Graph's JSON to the directory types twice: from the
// SDK's models (single requests) and from encoding/json structs ($batch
// items, which the package decodes itself). Both must agree; the
// conformance suite compares Snapshot (batch) with the primitives (SDK).

// wireUser is a user as Graph returns it with userSelect.
type wireUser struct {
	ID                         string    `json:"id"`
	UserPrincipalName          string    `json:"userPrincipalName"`
	DisplayName                string    `json:"displayName"`
	MailNickname               string    `json:"mailNickname"`
	AccountEnabled             bool      `json:"accountEnabled"`
	UserType                   string    `json:"userType"`
	UsageLocation              string    `json:"usageLocation"`
	EmployeeType               string    `json:"employeeType"`
	CreatedDateTime            time.Time `json:"createdDateTime"`
	LastPasswordChangeDateTime time.Time `json:"lastPasswordChangeDateTime"`
	OnPremisesSyncEnabled      bool      `json:"onPremisesSyncEnabled"`
}

func (w *wireUser) user() directory.User {
	return directory.User{
		ID:                         w.ID,
		UserPrincipalName:          w.UserPrincipalName,
		DisplayName:                w.DisplayName,
		MailNickname:               w.MailNickname,
		AccountEnabled:             w.AccountEnabled,
		UserType:                   w.UserType,
		UsageLocation:              w.UsageLocation,
		EmployeeType:               w.EmployeeType,
		CreatedDateTime:            w.CreatedDateTime,
		LastPasswordChangeDateTime: w.LastPasswordChangeDateTime,
		OnPremisesSyncEnabled:      w.OnPremisesSyncEnabled,
	}
}

// wireAssignment is a unifiedRoleAssignment.
type wireAssignment struct {
	ID               string `json:"id"`
	PrincipalID      string `json:"principalId"`
	RoleDefinitionID string `json:"roleDefinitionId"`
	DirectoryScopeID string `json:"directoryScopeId"`
}

func (w *wireAssignment) assignment() directory.RoleAssignment {
	return directory.RoleAssignment{ID: w.ID, PrincipalID: w.PrincipalID, RoleDefinitionID: w.RoleDefinitionID, DirectoryScopeID: w.DirectoryScopeID}
}

// newAssignmentBody is the body of POST /roleManagement/directory/roleAssignments,
// field for field Microsoft's documented example.
type newAssignmentBody struct {
	ODataType        string `json:"@odata.type"`
	RoleDefinitionID string `json:"roleDefinitionId"`
	PrincipalID      string `json:"principalId"`
	DirectoryScopeID string `json:"directoryScopeId"`
}

const unifiedRoleAssignmentType = odata.UnifiedRoleAssignment

// wireMethod is an authenticationMethod. Its label is displayName for most
// types, phoneNumber for phoneAuthenticationMethod and emailAddress for
// emailAuthenticationMethod.
type wireMethod struct {
	ODataType    string `json:"@odata.type"`
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	PhoneNumber  string `json:"phoneNumber"`
	EmailAddress string `json:"emailAddress"`
}

func (w *wireMethod) method() directory.AuthenticationMethod {
	return directory.AuthenticationMethod{
		ID:          w.ID,
		Type:        odata.MethodType(w.ODataType),
		DisplayName: firstNonEmpty(w.DisplayName, w.PhoneNumber, w.EmailAddress),
	}
}

// wireDomain is a domain.
type wireDomain struct {
	ID         string `json:"id"`
	IsVerified bool   `json:"isVerified"`
	IsDefault  bool   `json:"isDefault"`
	IsInitial  bool   `json:"isInitial"`
}

func (w *wireDomain) domain() directory.Domain {
	return directory.Domain{ID: w.ID, IsVerified: w.IsVerified, IsDefault: w.IsDefault, IsInitial: w.IsInitial}
}

// wirePage is one page of a collection.
type wirePage[T any] struct {
	Value    []T    `json:"value"`
	NextLink string `json:"@odata.nextLink"`
}

func decodePage[T any](body []byte) (wirePage[T], error) {
	var p wirePage[T]
	if err := json.Unmarshal(body, &p); err != nil {
		return p, err
	}
	if p.Value == nil {
		// Missing or null: not an empty collection.
		return p, errors.New(`no "value" array`)
	}
	return p, nil
}

// From the SDK's models.

func userFromModel(m models.Userable) directory.User {
	return directory.User{
		ID:                         deref(m.GetId()),
		UserPrincipalName:          deref(m.GetUserPrincipalName()),
		DisplayName:                deref(m.GetDisplayName()),
		MailNickname:               deref(m.GetMailNickname()),
		AccountEnabled:             derefBool(m.GetAccountEnabled()),
		UserType:                   deref(m.GetUserType()),
		UsageLocation:              deref(m.GetUsageLocation()),
		EmployeeType:               deref(m.GetEmployeeType()),
		CreatedDateTime:            derefTime(m.GetCreatedDateTime()),
		LastPasswordChangeDateTime: derefTime(m.GetLastPasswordChangeDateTime()),
		OnPremisesSyncEnabled:      derefBool(m.GetOnPremisesSyncEnabled()),
	}
}

func assignmentFromModel(m models.UnifiedRoleAssignmentable) directory.RoleAssignment {
	return directory.RoleAssignment{
		ID:               deref(m.GetId()),
		PrincipalID:      deref(m.GetPrincipalId()),
		RoleDefinitionID: deref(m.GetRoleDefinitionId()),
		DirectoryScopeID: deref(m.GetDirectoryScopeId()),
	}
}

func methodFromModel(m models.AuthenticationMethodable) directory.AuthenticationMethod {
	var label string
	switch v := m.(type) {
	case interface{ GetDisplayName() *string }:
		label = deref(v.GetDisplayName())
	case interface{ GetPhoneNumber() *string }:
		label = deref(v.GetPhoneNumber())
	case interface{ GetEmailAddress() *string }:
		label = deref(v.GetEmailAddress())
	}
	if label == "" {
		// A method type newer than the SDK keeps its properties here.
		for _, k := range []string{"displayName", "phoneNumber", "emailAddress"} {
			if s, ok := m.GetAdditionalData()[k].(*string); ok && s != nil && *s != "" {
				label = *s
				break
			}
		}
	}
	return directory.AuthenticationMethod{
		ID:          deref(m.GetId()),
		Type:        odata.MethodType(deref(m.GetOdataType())),
		DisplayName: label,
	}
}

func domainFromModel(m models.Domainable) directory.Domain {
	return directory.Domain{
		ID:         deref(m.GetId()),
		IsVerified: derefBool(m.GetIsVerified()),
		IsDefault:  derefBool(m.GetIsDefault()),
		IsInitial:  derefBool(m.GetIsInitial()),
	}
}

func derefBool(b *bool) bool { return b != nil && *b }

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
