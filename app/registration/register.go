package registration

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/formlimit"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/people"
	"github.com/gotong/gotong/app/quota"
	"github.com/gotong/gotong/app/sharing"
	"gorm.io/gorm"
)

// A rush at one activity is a queue at its lock: each registration must
// see the seats the one before it took, so they are placed one after the
// other whatever the number of nodes. The registrations that arrive on a
// node while a transaction runs are placed together in the next one (a
// combiner): one lock per activity, one aggregate of its seats, one insert
// of the new people, of the registrations and of their notices.

// queued is a registration waiting for its batch: a form placed at once
// (Register) or the tap that confirms a public form (Confirm).
type queued struct {
	a         *activities.Activity
	in        Request
	qualifies []quota.Attribute
	answers   activities.Answers // checked against the activity's questions
	sub       int64              // the submission the tap claims; 0 for Register
	again     bool               // set for a tap that places nothing: the form was used, or the person is registered
	out       *Placed
	err       error
	answered  bool // out or err is final; read and written only by the leader
}

// finish marks the registration answered: a panic later in its batch
// leaves its answer as it is.
func (p *queued) finish() { p.answered = true }

// abandon answers a registration whose batch panicked before it was placed.
func (p *queued) abandon(r any) {
	if !p.answered {
		p.out, p.err = nil, fmt.Errorf("registration: panic while placing: %v", r)
		p.finish()
	}
}

// Register places a person on activity a, which the caller has read (its
// texts make the notice); what decides the seat is read again under the
// activity's lock. It returns the registration with its waitlist position
// and a fresh manage link. It is the path of staff and of signed-in
// participants whose email is verified; the public path is Submit.
func (s *Service) Register(ctx context.Context, a *activities.Activity, in Request) (*Placed, error) {
	p, err := s.prepare(a, in)
	if err != nil {
		return nil, err
	}
	queueOf(s.regs, p.a.ID).run(ctx, p)
	return p.out, p.err
}

// prepare validates a registration form, which writes nothing, and makes
// it a queued registration. Its guardian is checked with the activity, once
// the activity takes the registrant (checkGuardian).
func (s *Service) prepare(a *activities.Activity, in Request) (*queued, error) {
	f := apperr.Fields{}
	in.Person.Validate(f, s.now())
	if !in.Consent {
		f.Add("consent", "error_consent_required")
	}
	answers := activities.CheckAnswers(a.Questions, in.Answers, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return &queued{a: a, in: in, answers: answers,
		qualifies: quota.Qualifying(people.QuotaPerson(in.Person.Locality, in.Person.Sensitive))}, nil
}

// registerBatch places a batch in one transaction and answers each of its
// registrations. If the transaction fails for a reason no check foresaw,
// each registration is placed again on its own, so that one cannot fail
// the others. A database away fails them all alike (database.Tx tried
// once more already, and a batch whose COMMIT was lost may have been
// placed): each answers that.
func (s *Service) registerBatch(ctx context.Context, batch []*queued) {
	err := database.RetryTx(ctx, s.db, func(tx *gorm.DB) error { return s.placeBatch(tx, batch, s.now()) })
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		// A person of the batch was erased while it was placed (the
		// erasure held their row, then deleted it): placed again, they
		// are created anew, as if they had come a moment later.
		err = database.RetryTx(ctx, s.db, func(tx *gorm.DB) error { return s.placeBatch(tx, batch, s.now()) })
	}
	if err != nil && len(batch) > 1 && !database.Lost(err) {
		for _, p := range batch {
			s.registerBatch(ctx, []*queued{p})
		}
		return
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Two forms for one person raced on another node, and the other won.
		err = apperr.New(apperr.Conflict, "error_already_registered")
	}
	touched := map[int64]bool{}
	for _, p := range batch {
		if err != nil {
			p.out, p.err = nil, err
		}
		if p.out != nil {
			touched[p.out.ActivityID] = true
		}
		p.finish()
	}
	for id := range touched {
		s.changed(id)
	}
}

// seats is an activity's seat counts while a batch places people in it.
type seats struct {
	counts    Counts
	lastOrder int64   // the last waitlist order given out
	added     SeatRow // the batch's newcomers, for the activity's seat row
}

// placeBatch places the registrations of batch within tx, in the order
// they came, setting out, err or again of each; it returns an error only
// when tx must roll back.
func (s *Service) placeBatch(tx *gorm.DB, batch []*queued, now time.Time) error {
	var ids []int64
	for _, p := range batch {
		p.out, p.err, p.again = nil, nil, false
		ids = append(ids, p.a.ID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	acts, err := lockActivities(tx, ids)
	if err != nil {
		return err
	}

	// Refusals that need nothing but the activity write nothing. The taps
	// claim their forms only then, after the lock, in one statement: of two
	// taps of one link, on any nodes or in this batch, the second finds it
	// used and places nothing.
	var passed []*queued
	var subs []int64
	for _, p := range batch {
		a, ok := acts[p.a.ID]
		if !ok {
			p.err = apperr.ErrNotFound
			continue
		}
		if ok, reason := a.RegistrationOpen(now); !ok {
			p.err = apperr.New(apperr.Conflict, reason)
			continue
		}
		if !a.AgeAllowed(p.in.Person.BirthYear) {
			p.err = apperr.Fields{"birth_year": ageRangeMsg(a)}.Err()
			continue
		}
		if err := s.checkGuardian(a, &p.in); err != nil {
			p.err = err
			continue
		}
		if a.Translations == nil {
			a.Translations = p.a.Translations // for the notices
		}
		passed = append(passed, p)
		if p.sub != 0 {
			subs = append(subs, p.sub)
		}
	}
	claimed, err := s.subs.Claim(tx, subs...)
	if err != nil {
		return err
	}
	var live, again []*queued
	for _, p := range passed {
		if p.sub != 0 {
			if !claimed[p.sub] {
				p.again = true
				again = append(again, p)
				continue
			}
			delete(claimed, p.sub)
		}
		live = append(live, p)
	}
	if len(live) == 0 && len(again) == 0 {
		return nil
	}

	var rows []Registration
	var owners []*queued
	positions := map[int]int{}
	persons := map[string]*people.Person{}
	if len(live) > 0 {
		decls := make([]people.Declared, len(live))
		for i, p := range live {
			decls[i] = p.in.Person
		}
		if persons, err = s.people.FindOrCreate(tx, decls, "registration", now); err != nil {
			return err
		}
		var liveIDs, personIDs []int64
		for _, p := range live {
			liveIDs = append(liveIDs, p.a.ID)
			personIDs = append(personIDs, persons[p.in.Person.Email].ID)
		}
		registered, err := liveRegistrations(tx, liveIDs, personIDs)
		if err != nil {
			return err
		}
		counted, err := countSeats(tx, acts, now)
		if err != nil {
			return err
		}
		for id, st := range counted {
			if _, _, ok := Place(st.counts, nil); !ok {
				// A release came due since the last write: settle first.
				if err := s.settleIn(tx, acts[id], st, now); err != nil {
					return err
				}
			}
		}
		for _, p := range live {
			a, person := acts[p.a.ID], persons[p.in.Person.Email]
			key := [2]int64{a.ID, person.ID}
			if registered[key] {
				if p.sub != 0 {
					// A tap for someone registered meanwhile: their link again.
					p.again = true
					again = append(again, p)
				} else {
					p.err = apperr.New(apperr.Conflict, "error_already_registered")
				}
				continue
			}
			registered[key] = true
			st := counted[a.ID]
			// An application holds no seat: it waits for a coordinator's
			// decision (Accept), which places it then.
			status, pool := Applied, ""
			if !a.Applications() {
				var ok bool
				if status, pool, ok = Place(st.counts, p.qualifies); !ok {
					return fmt.Errorf("registration: activity %d unsettled after settling", a.ID)
				}
				st.counts.Take(status, pool)
				st.added.add(status, pool, 1)
			}
			st.lastOrder++
			st.added.LastOrder = st.lastOrder
			sealed, err := s.people.SealDeclaration(p.in.Person.Sensitive, declarationContext(a.ID, person.ID))
			if err != nil {
				return err
			}
			row := Registration{ActivityID: a.ID, PersonID: &person.ID, Status: string(status), WaitlistOrder: st.lastOrder,
				DeclaredLocality: p.in.Person.Locality, DeclaredSensitive: sealed, Locale: p.in.Person.Locale,
				ConsentVersion: people.ConsentVersion, ConsentAt: now, Guardian: GuardianNotNeeded, CreatedAt: now, UpdatedAt: now}
			if !a.Discreet { // a discreet activity is passed on by no channel, and counted in none
				row.Source = sharing.Source(p.in.Source)
			}
			if g := p.in.Guardian; g != nil {
				// The place is held like any other while the guardian answers;
				// an application's guardian is asked once it is accepted.
				row.Guardian, row.GuardianName, row.GuardianEmail = GuardianPending, g.Name, g.Email
				if status != Applied {
					due := s.guardianDue(a, now)
					row.GuardianDueAt = &due
				}
			}
			switch status {
			case Applied:
			case Confirmed:
				s.setPool(&row, pool)
			default:
				// The newcomer is last in line.
				positions[len(rows)] = st.counts.Waitlisted
			}
			rows = append(rows, row)
			owners = append(owners, p)
		}
		if len(rows) > 0 {
			if err := tx.Create(&rows).Error; err != nil {
				return fmt.Errorf("registration: unable to create: %w", err)
			}
			// Each form placed gave consent: one history row each, in one statement.
			consenting := make([]*people.Person, len(owners))
			for i, o := range owners {
				consenting[i] = persons[o.in.Person.Email]
			}
			if err := s.people.RecordConsents(tx, consenting, people.ConsentRegistration, now); err != nil {
				return err
			}
			// Consent to news is its own purpose: recorded for those who
			// ticked it, and nothing for those who did not.
			var news []*people.Person
			for i, o := range owners {
				if o.in.News {
					news = append(news, consenting[i])
				}
			}
			if err := s.people.RecordNews(tx, news, people.ConsentRegistration, now); err != nil {
				return err
			}
			var answers []Answer
			for i, o := range owners {
				answers = append(answers, s.answerRows(&rows[i], o.a.Questions, o.answers)...)
			}
			if err := writeAnswers(tx, answers); err != nil {
				return err
			}
			var added []SeatRow
			for _, st := range counted {
				if st.added.LastOrder > 0 {
					added = append(added, st.added)
				}
			}
			if err := addSeats(tx, added); err != nil {
				return err
			}
			results := map[int64]int64{}
			for i, o := range owners {
				if o.sub != 0 {
					results[o.sub] = rows[i].ID
				}
			}
			if err := s.subs.SetResults(tx, results); err != nil {
				return err
			}
		}
	}

	var notices []outbox.Message
	var made []Link
	add := func(lt letter) error {
		m, ok, err := s.notice(tx, lt)
		if ok {
			notices = append(notices, m)
		}
		return err
	}
	for i := range rows {
		r, o := &rows[i], owners[i]
		a, person := acts[r.ActivityID], persons[o.in.Person.Email]
		kind := kindConfirmed
		switch Status(r.Status) {
		case Waitlisted:
			kind = kindWaitlisted
		case Applied:
			kind = kindApplied
		}
		token, link := newLink(r.ID, LinkManage, now)
		made = append(made, link)
		o.out = &Placed{Registration: *r, Position: positions[i], ManageToken: token}
		if err := add(letter{kind: kind, a: a, r: r, to: *person.Email, name: person.GivenName, locale: r.Locale,
			url: s.manageURL(token), position: positions[i]}); err != nil {
			return err
		}
		if r.Guardian == GuardianPending && r.GuardianDueAt != nil {
			token, link := newLink(r.ID, LinkGuardian, now)
			made = append(made, link)
			if err := add(letter{kind: kindGuardianRequest, a: a, r: r, to: r.GuardianEmail, name: r.GuardianName,
				locale: r.Locale, url: s.guardianURL(token), minor: person.GivenName}); err != nil {
				return err
			}
		}
	}
	// A tap that places nothing sends its person the link of the place
	// they hold.
	for _, p := range again {
		r, err := s.held(tx, p, persons)
		if err != nil {
			return err
		}
		if r == nil {
			continue // cancelled and erased since: nothing to link to
		}
		token, link := newLink(r.ID, LinkManage, now)
		made = append(made, link)
		if err := add(letter{kind: kindKnown, a: acts[r.ActivityID], r: r, to: p.in.Person.Email,
			name: p.in.Person.GivenName, locale: p.in.Person.Locale, url: s.manageURL(token)}); err != nil {
			return err
		}
	}
	if len(made) > 0 {
		if err := tx.Create(&made).Error; err != nil {
			return fmt.Errorf("registration: unable to create links: %w", err)
		}
	}
	return s.enqueueLimited(tx, notices, now)
}

// held is the registration a tap that placed nothing stands for: the one
// its form became, or the live one its person holds; nil when it is gone to
// an erasure.
func (s *Service) held(tx *gorm.DB, p *queued, persons map[string]*people.Person) (*Registration, error) {
	var r Registration
	q := tx.Where("person_id IS NOT NULL")
	if person, ok := persons[p.in.Person.Email]; ok {
		q = q.Where("activity_id = ? AND person_id = ? AND status <> ?", p.a.ID, person.ID, string(Cancelled))
	} else {
		q = q.Where("id = (SELECT result_id FROM submissions WHERE id = ?)", p.sub)
	}
	err := q.Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("registration: unable to find a tap's registration: %w", err)
	}
	return &r, nil
}

// enqueueLimited queues the notices that public forms cause, within the
// limit per email. The limit is silent: a notice over it is not sent, and
// nothing else changes, so the answer never depends on the count.
// Refusals send nothing, so they count nothing.
func (s *Service) enqueueLimited(tx *gorm.DB, notices []outbox.Message, now time.Time) error {
	hits := map[string]int{}
	for _, m := range notices {
		hits[formlimit.Key(m.ToAddress)]++
	}
	totals, err := formlimit.Count(tx, hits, now)
	if err != nil {
		return err
	}
	sent := notices[:0]
	for _, m := range notices {
		key := formlimit.Key(m.ToAddress)
		// These notices to key are the last hits[key] of its total.
		if totals[key]-hits[key] < formlimit.PerEmail {
			sent = append(sent, m)
		}
		hits[key]--
	}
	return outbox.Enqueue(tx, sent...)
}

// settleIn settles a locked activity whose counts show it unsettled, and
// counts it again.
func (s *Service) settleIn(tx *gorm.DB, a *activities.Activity, st *seats, now time.Time) error {
	l, err := s.load(tx, a, now)
	if err != nil {
		return err
	}
	settled, changed := Settle(l.state)
	if err := s.persist(tx, a, l, settled, changed, now); err != nil {
		return err
	}
	st.counts = CountsOf(settled)
	return nil
}

// lockActivities reads the activities with their rules and holds them for
// the rest of tx (database.ForUpdate), taken in id order so that two
// transactions never wait for each other in a cycle. Texts are not read:
// only notices need them, and those load them when they must.
func lockActivities(tx *gorm.DB, ids []int64) (map[int64]*activities.Activity, error) {
	q := database.ForUpdate(activities.WithRules(tx).Where("id IN ?", ids).Order("id"))
	var found []activities.Activity
	if err := q.Find(&found).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to lock activities: %w", err)
	}
	out := make(map[int64]*activities.Activity, len(found))
	for i := range found {
		out[found[i].ID] = &found[i]
	}
	return out, nil
}

// groupByActivity groups what background work found by the activity it
// belongs to (key gives each item's activity and value), the activities
// in the order they first appear: the work then takes one activity's
// lock at a time, in that order.
func groupByActivity[T, V any](items []T, key func(T) (int64, V)) (order []int64, groups map[int64][]V) {
	groups = map[int64][]V{}
	for _, it := range items {
		id, v := key(it)
		if _, ok := groups[id]; !ok {
			order = append(order, id)
		}
		groups[id] = append(groups[id], v)
	}
	return order, groups
}

// lockActivity is lockActivities for one.
func lockActivity(tx *gorm.DB, id int64) (*activities.Activity, error) {
	acts, err := lockActivities(tx, []int64{id})
	if err != nil {
		return nil, err
	}
	a, ok := acts[id]
	if !ok {
		return nil, apperr.ErrNotFound
	}
	return a, nil
}

// liveRegistrations reports which of the (activity, person) pairs already
// have a live registration; it may find pairs beyond those asked for.
func liveRegistrations(tx *gorm.DB, activityIDs, personIDs []int64) (map[[2]int64]bool, error) {
	var found []struct{ ActivityID, PersonID int64 }
	if err := tx.Model(&Registration{}).Select("activity_id, person_id").
		Where("activity_id IN ? AND person_id IN ? AND status <> ?", activityIDs, personIDs, string(Cancelled)).
		Find(&found).Error; err != nil {
		return nil, fmt.Errorf("registration: unable to find registrations: %w", err)
	}
	out := make(map[[2]int64]bool, len(found))
	for _, f := range found {
		out[[2]int64{f.ActivityID, f.PersonID}] = true
	}
	return out, nil
}

// countSeats reads the seat counts of locked activities.
func countSeats(tx *gorm.DB, acts map[int64]*activities.Activity, now time.Time) (map[int64]*seats, error) {
	ids := make([]int64, 0, len(acts))
	for id := range acts {
		ids = append(ids, id)
	}
	rows, err := readSeats(tx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*seats, len(acts))
	for id, a := range acts {
		out[id] = &seats{counts: rows[id].counts(a, now), lastOrder: rows[id].LastOrder, added: SeatRow{ActivityID: id}}
	}
	return out, nil
}
