// Package access decides who may do what: casbin over policies/ says what each
// role may do, role assignments (grants) say who holds which role in which
// scope. Anything not allowed is denied.
package access

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
	"github.com/casbin/casbin/v2/util"
	"github.com/gotong/gotong/policies"
)

// Roles.
const (
	Admin       = "admin"
	Coordinator = "coordinator"
	Facilitator = "facilitator"
	Partner     = "partner"
	Participant = "participant"
	Anonymous   = "anonymous"
)

// AssignableRoles are the roles a user can be given (anonymous is everyone's).
var AssignableRoles = []string{Admin, Coordinator, Facilitator, Partner, Participant}

// ValidRole reports whether role can be assigned to a user.
func ValidRole(role string) bool {
	for _, r := range AssignableRoles {
		if r == role {
			return true
		}
	}
	return false
}

// AllScope is the scope of a role held across the whole section.
const AllScope = "*"

// PartnerScope is the scope of a role held for one partner organisation.
func PartnerScope(partnerID int64) string { return "partner:" + strconv.FormatInt(partnerID, 10) }

// ScopePartnerID returns the organisation of a partner scope.
func ScopePartnerID(scope string) (int64, bool) {
	s, ok := strings.CutPrefix(scope, "partner:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// Permission is an action on a kind of object, as policy.csv names them.
type Permission struct {
	Object string
	Action string
}

func (p Permission) String() string { return p.Object + ":" + p.Action }

// The permissions routes ask for.
var (
	Public       = Permission{"public", "read"}
	AccountRead  = Permission{"account", "read"}
	AccountWrite = Permission{"account", "write"}
	ManageRead   = Permission{"manage", "read"}
	UsersRead    = Permission{"users", "read"}
	UsersWrite   = Permission{"users", "write"}
	AuditRead    = Permission{"audit", "read"}

	// SectionAll makes a Viewer staff: it reaches every object of the
	// section, not only what is its own.
	SectionAll = Permission{"section", "all"}

	ActivitiesRead     = Permission{"activities", "read"}
	ActivitiesWrite    = Permission{"activities", "write"}
	RegistrationsRead  = Permission{"registrations", "read"}
	RegistrationsWrite = Permission{"registrations", "write"}
	AttendanceWrite    = Permission{"attendance", "write"}
	// QuotasRead is the exact seats of each quota pool of an activity:
	// staff only, since small pools of sensitive quotas single people out.
	QuotasRead = Permission{"quotas", "read"}

	// Partners and campaigns. Staff hold them section-wide; a partner member
	// holds the read, write and contribute ones in its organisation's scope
	// only, and the stores narrow every query to that organisation (its own
	// entry, the campaigns it takes part in), so anything else is a 404.
	PartnersRead        = Permission{"partners", "read"}        // the directory; a partner: its own entry
	PartnersWrite       = Permission{"partners", "write"}       // edit an entry; a partner: its own profile
	PartnersManage      = Permission{"partners", "manage"}      // staff only: create, partnership status, staff pages
	CampaignsRead       = Permission{"campaigns", "read"}       // a partner: the campaigns it takes part in
	CampaignsContribute = Permission{"campaigns", "contribute"} // notes and checklist ticks; a partner: at its stages
	CampaignsManage     = Permission{"campaigns", "manage"}     // staff only: create, edit, involve, advance, letters, petitions
	PartnerSpace        = Permission{"partnerspace", "read"}    // the /partner pages of a partner member
	ReportsRead         = Permission{"reports", "read"}         // staff reports

	// The people database: the section's staff only.
	PeopleRead  = Permission{"people", "read"}
	PeopleWrite = Permission{"people", "write"}
	// The national office only: erase anyone, download anyone's data,
	// export sensitive attributes (audited).
	PeopleAdmin = Permission{"people", "admin"}

	// Mailings to segments: the section's staff only; partners never send.
	MailingsRead  = Permission{"mailings", "read"}
	MailingsWrite = Permission{"mailings", "write"} // compose, test, send, cancel
)

// Viewer is who reads or writes, as the stores narrow every query to it:
// staff (who hold SectionAll: coordinators and admins) reach everything; a
// facilitator only the activities they lead; a partner member only its own
// organisation and what that organisation takes part in; anyone else
// nothing. What a viewer does not reach is "not found" to it, so ids do not
// leak. Enforcer.Viewer makes one from a user's grants.
type Viewer struct {
	UserID    int64 // the actor, for the audit log; the facilitator whose activities are reached
	Staff     bool
	PartnerID int64 // a partner member's organisation
}

// Grant is one role held in one scope.
type Grant struct {
	Role  string
	Scope string
}

// Enforcer answers permission questions; it is safe for concurrent use. The
// policy is embedded and never changes while the process runs, so casbin's
// cached enforcer keeps each decision: every request asks several (its
// route, then the menu), and the cache makes them map lookups.
type Enforcer struct {
	e *casbin.SyncedCachedEnforcer
}

// New loads the embedded model and policy.
func New() (*Enforcer, error) {
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("access: model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, stringadapter.NewAdapter(policies.Policy))
	if err != nil {
		return nil, fmt.Errorf("access: policy: %w", err)
	}
	// Role inheritance declared in domain "*" holds in every domain.
	e.AddNamedDomainMatchingFunc("g", "keyMatch", util.KeyMatch)
	if err := e.LoadPolicy(); err != nil {
		return nil, fmt.Errorf("access: policy: %w", err)
	}
	return &Enforcer{e: e}, nil
}

// Allowed reports whether any of grants, or the anonymous role everyone
// holds, gives permission p.
func (a *Enforcer) Allowed(grants []Grant, p Permission) bool {
	if a.allows(Grant{Anonymous, AllScope}, p) {
		return true
	}
	for _, g := range grants {
		if a.allows(g, p) {
			return true
		}
	}
	return false
}

func (a *Enforcer) allows(g Grant, p Permission) bool {
	ok, err := a.e.Enforce(g.Role, g.Scope, p.Object, p.Action)
	return err == nil && ok
}

// Viewer is the user userID holding grants as the stores see them: staff
// when the grants give SectionAll, a partner member of the organisation
// whose scope it holds the partner role in.
func (a *Enforcer) Viewer(userID int64, grants []Grant) Viewer {
	v := Viewer{UserID: userID, Staff: a.Allowed(grants, SectionAll)}
	for _, g := range grants {
		if id, ok := ScopePartnerID(g.Scope); ok && g.Role == Partner {
			v.PartnerID = id
		}
	}
	return v
}
