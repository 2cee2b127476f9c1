// Package odata holds the Microsoft Graph names that package graphdir and
// its test server graphtest share, so that package directory stays free of
// them: the @odata.type of each authentication method type.
package odata

import (
	"strings"

	"github.com/cloudhub/consent/directory"
)

// MethodType maps an @odata.type such as
// "#microsoft.graph.fido2AuthenticationMethod" to its directory.MethodType
// ("fido2"). Unknown types keep their name, so new methods are reported,
// not dropped.
func MethodType(odataType string) directory.MethodType {
	t := strings.TrimPrefix(odataType, "#")
	t = strings.TrimPrefix(t, "microsoft.graph.")
	if t == "externalAuthenticationMethod" {
		return directory.MethodExternal
	}
	return directory.MethodType(strings.TrimSuffix(t, "AuthenticationMethod"))
}

// MethodODataType returns the @odata.type of a method type, the inverse of
// [MethodType].
func MethodODataType(t directory.MethodType) string {
	if t == directory.MethodExternal {
		return "#microsoft.graph.externalAuthenticationMethod"
	}
	return "#microsoft.graph." + string(t) + "AuthenticationMethod"
}

// UnifiedRoleAssignment is the @odata.type of a directory role assignment,
// which Microsoft's "Create unifiedRoleAssignment" example sends.
const UnifiedRoleAssignment = "#microsoft.graph.unifiedRoleAssignment"
