package graphdir

import (
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directory/graphdir/internal/odata"
	absser "github.com/microsoft/kiota-abstractions-go/serialization"
	jsonserialization "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// This file is the one decoder of each resource, for an answer to a single
// request and for a $batch item alike: the SDK's models, read by kiota's
// JSON parse nodes (which pick an authentication method's derived type from
// its @odata.type), converted to the directory types. Request bodies are
// the SDK's models written by kiota's JSON serialization writer.

// decode reads body as the model made by factory; a nil model and no error
// when the body is empty or holds no object.
func decode[M absser.Parsable](body []byte, factory absser.ParsableFactory) (M, error) {
	var zero M
	if len(body) == 0 {
		return zero, nil
	}
	node, err := jsonserialization.NewJsonParseNode(body)
	if err != nil {
		return zero, err
	}
	v, err := node.GetObjectValue(factory)
	if err != nil || v == nil {
		return zero, err
	}
	m, ok := v.(M)
	if !ok {
		return zero, fmt.Errorf("decoded %T", v)
	}
	return m, nil
}

// encode writes a model as a JSON request body.
func encode(m absser.Parsable) ([]byte, error) {
	w := jsonserialization.NewJsonSerializationWriter()
	defer w.Close()
	if err := w.WriteObjectValue("", m); err != nil {
		return nil, err
	}
	return w.GetSerializedContent()
}

// readUser decodes the user of an answer to r.
func readUser(r *request, a *answer) (directory.User, error) {
	m, err := decode[models.Userable](a.body, models.CreateUserFromDiscriminatorValue)
	if err != nil || m == nil || deref(m.GetId()) == "" {
		return directory.User{}, unexpected(r.op, r.object, a.status, "no user object")
	}
	return userFromModel(m), nil
}

// readAssignment decodes the role assignment of an answer to r.
func readAssignment(r *request, a *answer) (directory.RoleAssignment, error) {
	m, err := decode[models.UnifiedRoleAssignmentable](a.body, models.CreateUnifiedRoleAssignmentFromDiscriminatorValue)
	if err != nil || m == nil || deref(m.GetId()) == "" {
		return directory.RoleAssignment{}, unexpected(r.op, r.object, a.status, "no role assignment object")
	}
	return assignmentFromModel(m), nil
}

// A collection: the SDK's collection response model of a resource, and the
// conversion of its items.
type collection[T any] struct {
	factory absser.ParsableFactory
	read    func(absser.Parsable) (items []T, next *string, ok bool)
	// json, when set, decodes a page with encoding/json instead (see
	// signinpolicy.go for which resources and why).
	json func(body []byte) (items []T, next string, ok bool)
}

func collectionOf[P interface {
	absser.Parsable
	GetValue() []M
	GetOdataNextLink() *string
}, M any, T any](factory absser.ParsableFactory, conv func(M) T) collection[T] {
	return collection[T]{factory: factory, read: func(v absser.Parsable) ([]T, *string, bool) {
		p, ok := v.(P)
		if !ok || p.GetValue() == nil {
			// A collection without "value" is not an empty collection:
			// reporting it as one would make facts disappear.
			return nil, nil, false
		}
		out := make([]T, 0, len(p.GetValue()))
		for _, m := range p.GetValue() {
			out = append(out, conv(m))
		}
		return out, p.GetOdataNextLink(), true
	}}
}

var (
	assignments = collectionOf[models.UnifiedRoleAssignmentCollectionResponseable](
		models.CreateUnifiedRoleAssignmentCollectionResponseFromDiscriminatorValue, assignmentFromModel)
	methods = collectionOf[models.AuthenticationMethodCollectionResponseable](
		models.CreateAuthenticationMethodCollectionResponseFromDiscriminatorValue, methodFromModel)
	domains = collectionOf[models.DomainCollectionResponseable](
		models.CreateDomainCollectionResponseFromDiscriminatorValue, domainFromModel)
)

// readPage decodes one page of c from an answer to r.
func (c collection[T]) readPage(r *request, a *answer) ([]T, string, error) {
	if c.json != nil {
		items, next, ok := c.json(a.body)
		if !ok {
			return nil, "", unexpected(r.op, r.object, a.status, "collection without a value array")
		}
		return items, next, nil
	}
	v, err := decode[absser.Parsable](a.body, c.factory)
	if err != nil {
		return nil, "", unexpected(r.op, r.object, a.status, "undecodable collection: %v", err)
	}
	if v == nil {
		return nil, "", unexpected(r.op, r.object, a.status, "no collection")
	}
	items, next, ok := c.read(v)
	if !ok {
		return nil, "", unexpected(r.op, r.object, a.status, "collection without a value array")
	}
	return items, deref(next), nil
}

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

// methodFromModel converts an authenticationMethod. Its label is
// displayName for most types, phoneNumber for phoneAuthenticationMethod and
// emailAddress for emailAuthenticationMethod.
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
	am := directory.AuthenticationMethod{
		ID:          deref(m.GetId()),
		Type:        odata.MethodType(deref(m.GetOdataType())),
		DisplayName: label,
	}
	if tap, ok := m.(models.TemporaryAccessPassAuthenticationMethodable); ok && tap.GetIsUsable() != nil {
		// Its validity, when the answer says whether it is usable.
		p := accessPassFromModel(tap)
		am.AccessPass = &p
	}
	return am
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

// withBody sets r's body to m, encoded; a failure to encode fails r when
// it is sent.
func (r *request) withBody(m absser.Parsable) *request {
	r.body, r.bodyErr = encode(m)
	return r
}
