package roles

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Access is the level of access asked for a workload. Its zero value is
// no level at all, so that the level is always chosen, never defaulted to
// the more privileged one: [ForWorkloads] refuses it.
type Access int

const (
	// Admin is full administration of the workload.
	Admin Access = iota + 1
	// ReadOnly is read access to the workload's settings and reports.
	ReadOnly
)

// String returns "admin" or "read-only", the spellings [ParseAccess]
// accepts, or "" for the zero value.
func (a Access) String() string {
	switch a {
	case 0:
		return ""
	case Admin:
		return "admin"
	case ReadOnly:
		return "read-only"
	}
	return fmt.Sprintf("Access(%d)", int(a))
}

// MarshalText encodes the level as "admin" or "read-only" (the zero value
// as ""), so it reads well in JSON.
func (a Access) MarshalText() ([]byte, error) {
	if a != 0 && a != Admin && a != ReadOnly {
		return nil, fmt.Errorf("roles: invalid access level %d", int(a))
	}
	return []byte(a.String()), nil
}

// UnmarshalText decodes what MarshalText encodes (see [ParseAccess]); ""
// decodes to the zero value.
func (a *Access) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*a = 0
		return nil
	}
	v, err := ParseAccess(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// ParseAccess parses "admin" or "read-only", ignoring case and surrounding
// space.
func ParseAccess(s string) (Access, error) {
	for _, a := range []Access{Admin, ReadOnly} {
		if strings.EqualFold(strings.TrimSpace(s), a.String()) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("roles: unknown access level %q (valid: %s, %s)", s, Admin, ReadOnly)
}

// Workload is an area of administration that a partner manages, such as
// [Teams] or [Exchange]. Its value is the lowercase name that
// [ParseWorkload] accepts.
type Workload string

// Workloads in the catalog. [Workloads] describes each one.
const (
	Teams                 Workload = "teams"
	TeamsVoice            Workload = "teams-voice"
	Exchange              Workload = "exchange"
	SharePoint            Workload = "sharepoint"
	Intune                Workload = "intune"
	Windows365            Workload = "windows365"
	Users                 Workload = "users"
	Groups                Workload = "groups"
	Licenses              Workload = "licenses"
	Billing               Workload = "billing"
	Helpdesk              Workload = "helpdesk"
	Support               Workload = "support"
	Reports               Workload = "reports"
	Security              Workload = "security"
	Compliance            Workload = "compliance"
	InformationProtection Workload = "information-protection"
	PowerPlatform         Workload = "power-platform"
	Dynamics365           Workload = "dynamics365"
	Fabric                Workload = "fabric"
	Authentication        Workload = "authentication"
	AI                    Workload = "ai"
)

// WorkloadInfo describes a workload and the built-in roles that cover it.
type WorkloadInfo struct {
	Workload    Workload `json:"workload"`
	DisplayName string   `json:"display_name"` // for example "Microsoft Teams"

	// Admin is the least-privileged role, or roles, that administer the
	// whole workload.
	Admin []Role `json:"admin"`

	// ReadOnly is the read-only alternative. It is empty if the workload
	// has none.
	ReadOnly []Role `json:"read_only"`

	// Basis says where the mapping comes from: "delegate-by-task.md" cites
	// Microsoft's least-privileged-role tables; "derived" is a judgement
	// from the role descriptions.
	Basis string `json:"basis"`
}

// Workloads returns every workload in the catalog, in catalog order. The
// result is a deep copy; callers may modify it.
func Workloads() []WorkloadInfo {
	c := load()
	list := make([]WorkloadInfo, len(c.workloads))
	for i, info := range c.workloads {
		list[i] = info.clone()
	}
	return list
}

func (w WorkloadInfo) clone() WorkloadInfo {
	w.Admin = slices.Clone(w.Admin)
	w.ReadOnly = slices.Clone(w.ReadOnly)
	return w
}

// ParseWorkload returns the workload with the given name, ignoring case and
// surrounding space. If there is none, the error wraps [ErrUnknownWorkload]
// and lists the valid names.
func ParseWorkload(s string) (Workload, error) {
	w := Workload(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := load().byWorkload[w]; !ok {
		return "", unknownWorkload(s)
	}
	return w, nil
}

// ParseWorkloads parses a comma-separated list of workload names, such as
// "teams,exchange", with [ParseWorkload]. Empty items are ignored and
// duplicates dropped; the result keeps the order of first appearance. A list
// with no workloads is an error.
func ParseWorkloads(csv string) ([]Workload, error) {
	var list []Workload
	for s := range strings.SplitSeq(csv, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		w, err := ParseWorkload(s)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(list, w) {
			list = append(list, w)
		}
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("roles: no workloads in %q", csv)
	}
	return list, nil
}

// ForWorkloads returns the roles that give level access to all the
// workloads: the union of each workload's [WorkloadInfo.Admin] or
// [WorkloadInfo.ReadOnly] roles, without duplicates, sorted by [Role.Name].
//
// It fails if no workload is given, if level is not [Admin] or [ReadOnly],
// if a workload is unknown (the error wraps [ErrUnknownWorkload]), or if
// read-only access is asked for a workload that has no read-only role (the
// error wraps [ErrNoReadOnlyRole]). Workload values must be exact, as the
// constants and [ParseWorkload] give them.
func ForWorkloads(level Access, workloads ...Workload) ([]Role, error) {
	if level == 0 {
		return nil, fmt.Errorf("roles: no access level given (%s or %s)", Admin, ReadOnly)
	}
	if level != Admin && level != ReadOnly {
		return nil, fmt.Errorf("roles: invalid access level %v", level)
	}
	if len(workloads) == 0 {
		return nil, errors.New("roles: no workloads given")
	}
	c := load()
	var set []Role
	for _, w := range workloads {
		i, ok := c.byWorkload[w]
		if !ok {
			return nil, unknownWorkload(string(w))
		}
		list := c.workloads[i].Admin
		if level == ReadOnly {
			list = c.workloads[i].ReadOnly
			if len(list) == 0 {
				return nil, fmt.Errorf("roles: workload %q has %w", w, ErrNoReadOnlyRole)
			}
		}
		for _, r := range list {
			if !slices.Contains(set, r) {
				set = append(set, r)
			}
		}
	}
	slices.SortFunc(set, func(a, b Role) int { return strings.Compare(a.Name, b.Name) })
	return set, nil
}

func unknownWorkload(s string) error {
	valid := make([]string, len(load().workloads))
	for i, info := range load().workloads {
		valid[i] = string(info.Workload)
	}
	return fmt.Errorf("roles: %w %q (valid: %s)", ErrUnknownWorkload, s, strings.Join(valid, ", "))
}
