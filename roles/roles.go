package roles

import (
	"errors"
	"slices"
)

// Sentinel errors. Functions in this package wrap them with context that
// names the value at fault; test for them with [errors.Is].
var (
	// ErrUnknownWorkload means a workload name is not in the catalog.
	ErrUnknownWorkload = errors.New("unknown workload")

	// ErrNoReadOnlyRole means read-only access was asked for a workload
	// that has no read-only role.
	ErrNoReadOnlyRole = errors.New("no read-only role")

	// ErrUnknownRole means a role name or template ID is not a built-in
	// role. [Lookup] reports this with its boolean result; packages that
	// resolve role names from configuration wrap ErrUnknownRole so their
	// callers can test for it.
	ErrUnknownRole = errors.New("unknown role")
)

// Role is a Microsoft Entra built-in role.
type Role struct {
	// ID is the role's template ID, a lowercase GUID. It is the same in
	// every tenant, and equals the id of the role's unifiedRoleDefinition.
	ID string `json:"id"`

	// Name is the role's current display name, such as "Teams Administrator".
	Name string `json:"name"`

	// Privileged reports whether Microsoft marks the role PRIVILEGED: it
	// can be used to delegate management of directory resources, modify
	// credentials, authentication or authorization policies, or access
	// restricted data.
	Privileged bool `json:"privileged"`
}

// All returns every built-in role, sorted by [Role.Name]. The slice is a
// fresh copy; callers may modify it.
func All() []Role {
	return slices.Clone(load().roles)
}

// Lookup returns the built-in role with the given template ID or display
// name. Case, surrounding space and repeated inner spaces are ignored, and
// former names still seen in the field are accepted:
//
//	Company Administrator                      -> Global Administrator
//	Teams Service Administrator                -> Teams Administrator
//	Exchange Service Administrator             -> Exchange Administrator
//	SharePoint Service Administrator           -> SharePoint Administrator
//	Intune Service Administrator               -> Intune Administrator
//	Azure AD Joined Device Local Administrator -> Microsoft Entra Joined Device Local Administrator
//
// The returned role always carries the current name. Lookup reports false
// if no role matches.
func Lookup(nameOrID string) (Role, bool) {
	c := load()
	i, ok := c.byKey[lookupKey(nameOrID)]
	if !ok {
		return Role{}, false
	}
	return c.roles[i], true
}
