// Package roles is the catalog of Microsoft Entra built-in roles and the
// mapping from the workloads a partner manages to the least-privileged
// built-in roles that cover them.
//
// It is pure data: it makes no network calls and holds no mutable state.
// Packages that assign roles (for example a provisioner) use it to turn a
// list of workloads into role template IDs; they decide policy, such as
// whether privileged roles are acceptable.
//
// # Roles
//
// [All] returns every built-in role (136 of them) as a [Role]: its display
// name, its template ID and whether Microsoft marks it PRIVILEGED. Template IDs
// are the same in every tenant, and a built-in role's
// unifiedRoleDefinition.id equals its template ID. [Lookup] finds a role by
// template ID or by name, ignoring case and surrounding space, and accepts
// former names still seen in the field, such as "Company Administrator" for
// Global Administrator.
//
// The data was transcribed from the "All roles" table of Microsoft's
// permissions reference (MicrosoftDocs/entra-docs,
// docs/identity/role-based-access-control/permissions-reference.md).
//
// # Workloads
//
// A [Workload] names an area of administration ([Teams], [Exchange],
// [Compliance], ...). [Workloads] describes each one: the role that
// administers the whole workload and, where one exists, a read-only
// alternative. [ForWorkloads] returns the de-duplicated set of roles for a list
// of workloads at an [Access] level, and [ParseWorkloads] reads such a list from
// a flag or configuration value.
//
// Some workloads have no read-only role (Compliance, Power Platform,
// Dynamics 365, Fabric); asking for one fails with [ErrNoReadOnlyRole].
//
// Read-only does not mean unprivileged: several read-only roles (Global
// Reader, Security Reader, AI Reader) are themselves PRIVILEGED in Microsoft's
// table, and so are some admin roles in the mapping (for example User
// Administrator, Intune Administrator and Security Administrator). Check
// [Role.Privileged] before assigning; a least-privilege default should refuse
// privileged roles unless the caller opted in.
//
// # Errors
//
// Errors wrap the sentinels [ErrUnknownWorkload] and [ErrNoReadOnlyRole];
// test for them with [errors.Is]. [ErrUnknownRole] is for packages that
// resolve role names from configuration with [Lookup]. Messages name the
// value at fault, for example:
//
//	roles: unknown workload "teamz" (valid: teams, teams-voice, ...)
//	roles: workload "compliance" has no read-only role
package roles
