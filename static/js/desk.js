/* The front desk calendar (templates/desk/calendar.html): EventCalendar with a column per
   doctor, laser device and room. The server decides every change; this file draws, asks and
   shows the answer. Times travel as the clinic's wall clock ("2026-12-02T10:00"), so the
   calendar shows clinic time whatever the browser's zone.

   With data-mode="doctor" (templates/desk/doctor_schedule.html) it is the doctor's own
   schedule: their column only (the feeds give no other), read-only, a visit opening its
   record page, and the date and view kept in the address (?date=, ?view=) for a link or a
   return with the back button. */
(function () {
  "use strict";
  var root = document.getElementById("desk");
  if (!root || typeof EventCalendar === "undefined") return;

  var urls = root.dataset;
  var doctorMode = urls.mode === "doctor";
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  var panel = document.getElementById("desk-panel");
  var alertBox = document.getElementById("desk-alert");
  var statusLine = document.getElementById("desk-status");
  var datePicker = document.getElementById("desk-date");
  var title = document.getElementById("desk-title");
  var calendarBox = document.getElementById("desk-calendar");
  var dialog = document.getElementById("desk-confirm");
  var allResources = [];
  var saved = {};
  try { saved = JSON.parse(window.localStorage.getItem("desk-columns") || "{}"); } catch (e) { saved = {}; }
  var hidden = new Set(saved.hidden || []);
  var kinds = new Set(saved.kinds || ["doctor", "device", "room"]);
  // A doctor's own columns (theirs, and the lasers and rooms they use), chosen at the desk.
  var ownSet = doctorMode ? "" : saved.own || "";
  var stamp = null;
  var panelHint = panel ? panel.innerHTML : "";

  function pad(n) { return String(n).padStart(2, "0"); }
  function day(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function wallClock(d) { return day(d) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function idOf(template, id) { return template.replace(/\/0\//, "/" + id + "/").replace(/\/0$/, "/" + id); }
  function addDays(isoDay, n) {
    var d = new Date(isoDay + "T12:00");
    d.setDate(d.getDate() + n);
    return day(d);
  }

  /* On a wide screen the panel and the alert stay in view by themselves (sticky); on a narrow
     one they sit below the calendar, so bring them into view. */
  function inView(node) {
    if (!window.matchMedia("(max-width: 991.98px)").matches) return;
    var box = node.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) node.scrollIntoView({block: "nearest"});
  }

  function say(message, kind) {
    alertBox.textContent = message;
    alertBox.className = "alert py-2 alert-" + (kind || "danger");
    inView(alertBox);
  }
  function quiet() { alertBox.className = "alert d-none py-2"; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"},
      body: body.toString(),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {detail: "The clinic's server did not answer clearly."}; })
        .then(function (data) { data.status = response.status; return data; });
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  var narrow = window.matchMedia("(max-width: 767.98px)").matches;
  // The doctor's record icons (templates/desk/doctor_schedule.html's legend).
  var RECORD_ICONS = {none: "bi-journal", draft: "bi-pencil-square", signed: "bi-lock"};

  function viewFor(button) {
    return (narrow && button.dataset.deskNarrowView) || button.dataset.deskView;
  }

  function recordLine(props) {
    var record = el("div", "desk-event-line desk-event-record");
    var mark = el("i", "bi " + RECORD_ICONS[props.record]);
    mark.setAttribute("aria-hidden", "true");
    record.appendChild(mark);
    record.appendChild(document.createTextNode(" " + props.recordLabel));
    return record;
  }

  function content(info) {
    var event = info.event;
    var props = event.extendedProps;
    var compact = info.view.type === "resourceTimelineWeek";
    // The doctor's week: seven columns, each too narrow for a line of time and session.
    var tight = info.view.type === "resourceTimeGridWeek";
    if (props.kind === "block") {
      return {domNodes: [el("div", "desk-event-line", "Blocked: " + props.reason)]};
    }
    if (props.kind !== "visit") return {html: ""};
    var what = props.session || props.treatment;
    var box = el("div", "desk-event");
    var top = el("div", "desk-event-line fw-semibold");
    var icon = el("i", "bi " + props.icon);
    icon.setAttribute("aria-hidden", "true");
    top.appendChild(icon);
    top.appendChild(document.createTextNode(" "));
    if (props.url) {
      // A real link: it takes the keyboard, and opens in a new tab when asked to. The visit
      // around it is then no button (keepAriaValid): one control, not one inside another.
      var link = el("a", "text-reset", props.patient);
      link.href = props.url;
      top.appendChild(link);
    } else {
      top.appendChild(document.createTextNode(props.patient));
    }
    box.appendChild(top);
    if (compact || tight) {
      box.title = [info.timeText + " " + props.patient, what, props.stateLabel, props.recordLabel].filter(Boolean).join(", ");
    }
    if (compact) return {domNodes: [box]};
    if (tight) {
      top.appendChild(el("span", "visually-hidden", ", " + props.stateLabel));
      box.appendChild(el("div", "desk-event-line", info.timeText));
      box.appendChild(el("div", "desk-event-line", what));
      box.appendChild(props.recordLabel ? recordLine(props) : el("div", "desk-event-line desk-event-state", props.stateLabel));
      return {domNodes: [box]};
    }
    box.appendChild(el("div", "desk-event-line", info.timeText + " · " + what));
    box.appendChild(el("div", "desk-event-line desk-event-state", props.stateLabel));
    if (props.recordLabel) box.appendChild(recordLine(props));
    return {domNodes: [box]};
  }

  /* Only the latest read is drawn: EventCalendar draws whichever answer comes last, so a slow
     answer for the week just left would otherwise replace the week on screen. An older answer
     goes to `failure`, which only ends its loading state. */
  var asked = 0;
  function fetchEvents(fetchInfo, success, failure) {
    var mine = ++asked;
    var params = new URLSearchParams({start: day(fetchInfo.start), end: day(fetchInfo.end)});
    var cancelled = document.getElementById("desk-cancelled");
    if (cancelled && cancelled.checked) params.set("cancelled", "1");
    fetch(urls.events + "?" + params, {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error("feed " + r.status); return r.json(); })
      .then(function (events) {
        if (mine === asked) success(events); else failure(new Error("superseded"));
      }, function (error) {
        if (mine === asked) say("The calendar could not be loaded. Try again in a moment.");
        failure(error);
      });
  }

  function remember() {
    if (doctorMode) return;  // the desk's choice of columns is the desk's
    try {
      window.localStorage.setItem("desk-columns", JSON.stringify({hidden: Array.from(hidden), kinds: Array.from(kinds), own: ownSet}));
    } catch (e) { /* private browsing: the choice lasts for this page */ }
  }

  function usedBy(doctorKey) {
    var used = new Set([doctorKey]);
    calendar.getEvents().forEach(function (e) {
      var ids = e.resourceIds || [];
      if (e.extendedProps.kind === "visit" && ids.indexOf(doctorKey) !== -1) ids.forEach(function (id) { used.add(id); });
    });
    return used;
  }

  function shownResources() {
    if (doctorMode) return allResources;
    var own = ownSet ? usedBy(ownSet) : null;
    return allResources.filter(function (r) {
      if (own) return own.has(r.id);
      return kinds.has(r.extendedProps.kind) && !hidden.has(r.id);
    });
  }

  function openPanel(url) {
    htmx.ajax("GET", url, {target: "#desk-panel", swap: "innerHTML"});
  }

  /* While a course session is dragged: the days its window allows, and among them the days
     that would push the next session out of its own window. */
  function shadeWindow(info) {
    var w = info.event.extendedProps.window;
    if (!w || !w.opens) return;
    var ids = allResources.map(function (r) { return r.id; });
    calendar.addEvent({id: "window", start: w.opens + "T00:00", end: addDays(w.closes, 1) + "T00:00",
      display: "background", classNames: ["desk-window"], resourceIds: ids});
    if (!w.next) return;
    var d = w.opens;
    var n = 0;
    while (d <= w.closes && n < 120) {
      var gap = Math.round((new Date(w.next + "T12:00") - new Date(d + "T12:00")) / 86400000);
      if (gap < w.min || gap > w.max) {
        calendar.addEvent({id: "window-out-" + d, start: d + "T00:00", end: addDays(d, 1) + "T00:00",
          display: "background", classNames: ["desk-window-out"], resourceIds: ids});
      }
      d = addDays(d, 1);
      n += 1;
    }
  }
  function unshade() {
    calendar.getEvents().forEach(function (e) {
      if (String(e.id).indexOf("window") === 0) calendar.removeEventById(e.id);
    });
  }

  function ask(text, needReason) {
    document.getElementById("desk-confirm-text").textContent = text;
    var reason = document.getElementById("desk-confirm-reason");
    var input = document.getElementById("desk-override");
    reason.classList.toggle("d-none", !needReason);
    input.value = "";
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (dialog.returnValue !== "ok") return resolve(null);
        if (needReason && !input.value.trim()) return resolve(null);
        resolve(needReason ? input.value.trim() : true);
      });
      dialog.showModal();
    });
  }

  function move(info, extra) {
    var event = info.event;
    var props = event.extendedProps;
    var body = new URLSearchParams({starts_at: wallClock(event.start), version: props.version});
    if (info.newResource) body.set("resource", info.newResource.extendedProps.resource);
    Object.keys(extra || {}).forEach(function (k) { body.set(k, extra[k]); });
    statusLine.textContent = "Moving…";
    return post(idOf(urls.move, props.appointment), body).then(function (answer) {
      statusLine.textContent = "";
      if (answer.status === 200) {
        say(answer.detail, "success");
        calendar.refetchEvents();
        return;
      }
      if (answer.status === 409 && answer.reflow) {
        return ask(answer.detail, false).then(function (yes) {
          if (yes) return move(info, Object.assign({}, extra, {reflow: "on"}));
          info.revert();
          quiet();
        });
      }
      if (answer.status === 409 && answer.notice) {
        return ask(answer.detail, true).then(function (why) {
          if (why) return move(info, Object.assign({}, extra, {override: why}));
          info.revert();
          quiet();
        });
      }
      info.revert();
      say(answer.detail || "The visit could not be moved.");
      if (answer.status === 409) calendar.refetchEvents();
    });
  }

  /* The doctor's schedule keeps its date and view in the address, so that a link opens on them
     and the back button from a visit's record returns to the day that was shown. */
  function keepInAddress() {
    if (!doctorMode || !calendar) return;
    var params = new URLSearchParams(window.location.search);
    params.set("date", day(calendar.getOption("date")));
    params.set("view", /Week$/.test(calendar.getOption("view")) ? "week" : "day");
    window.history.replaceState(null, "", "?" + params);
  }

  var firstView = narrow ? "listDay" : "resourceTimeGridDay";
  if (doctorMode) {
    var pressed = document.querySelector("[data-desk-view][aria-pressed=true]");
    firstView = pressed ? viewFor(pressed) : "resourceTimeGridDay";
  }

  /* EventCalendar's markup is not valid ARIA as it stands, and every redraw brings it back, so
     a MutationObserver mends it each time:
     - its toolbar (a nav) sits inside its role=table or role=list, which may hold only rows or
       list items: the toolbar is left empty and hidden, the page has its own title (#desk-title)
       and date controls (desk/_dates.html);
     - in the day and week grids the visits (buttons) lie beside the cells of its rows, where a
       table allows none, and the timeline's row headers have no row: the grid's table roles go,
       so the columns' names, the times and the visits read in order as text and buttons;
     - the agenda is a list of days while it has one: a day or week without visits is only its
       "No visits", and a list of no items is none;
     - a visit holding a link to its record (the doctor's schedule) is not also a button: the
       link is the control, and a click elsewhere on the visit still follows it (eventClick). */
  var GRID_ROLES = "[role=table], [role=rowgroup], [role=row], [role=columnheader], [role=rowheader], [role=cell], " +
    "[aria-colspan], [aria-colindex]";
  function keepAriaValid() {
    var ec = calendarBox.querySelector(".ec");
    if (!ec) return;
    calendarBox.querySelectorAll(".ec-toolbar:not([hidden])").forEach(function (nav) {
      nav.hidden = true;
    });
    if (ec.classList.contains("ec-list")) {
      var days = ec.querySelector("[role=listitem]") !== null;
      if (days && ec.getAttribute("role") !== "list") ec.setAttribute("role", "list");
      if (!days && ec.hasAttribute("role")) ec.removeAttribute("role");
    } else {
      calendarBox.querySelectorAll(GRID_ROLES).forEach(function (node) {
        node.removeAttribute("role");
        node.removeAttribute("aria-colspan");
        node.removeAttribute("aria-colindex");
      });
    }
    calendarBox.querySelectorAll(".ec-event[role=button]").forEach(function (event) {
      if (!doctorMode && !event.querySelector("a[href]")) return;
      // The doctor's schedule is read-only: a visit opens through its link, a block not at all.
      event.removeAttribute("role");
      event.removeAttribute("tabindex");
    });
  }
  new MutationObserver(keepAriaValid).observe(calendarBox, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ["role", "tabindex", "aria-colspan", "aria-colindex"]
  });

  function showTitle(view) {
    // A live region: it speaks only when the dates shown change.
    if (title && title.textContent !== view.title) title.textContent = view.title;
  }

  var calendar = null;
  calendar = EventCalendar.create(calendarBox, {
    view: firstView,
    date: urls.date || urls.today,  // the doctor's ?date=, or the desk's today
    headerToolbar: {start: "", center: "", end: ""},
    noEventsContent: "No visits",
    locale: "en-GB",
    allDaySlot: false,
    titleFormat: {weekday: "long", day: "numeric", month: "long", year: "numeric"},
    resources: [],
    eventSources: [{events: fetchEvents}],
    slotMinTime: "07:00",
    slotMaxTime: "21:00",
    scrollTime: "08:00",
    slotDuration: "00:15:00",
    snapDuration: "00:" + pad(Math.min(59, Number(urls.slotMinutes) || 15)) + ":00",
    firstDay: 1,
    nowIndicator: true,
    editable: !doctorMode,
    eventStartEditable: !doctorMode,  // EventCalendar's own default lets any event be dragged
    eventDurationEditable: false,
    selectable: !doctorMode,
    dayMaxEvents: true,
    eventTimeFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    views: {
      resourceTimelineWeek: {slotDuration: "01:00", slotWidth: 44, slotMinTime: "08:00", slotMaxTime: "20:00", titleFormat: {day: "numeric", month: "long", year: "numeric"}},
      resourceTimeGridWeek: {titleFormat: {day: "numeric", month: "long", year: "numeric"}, dayHeaderFormat: {weekday: "short", day: "numeric"}},
      listDay: {titleFormat: {weekday: "long", day: "numeric", month: "long", year: "numeric"}},
      listWeek: {titleFormat: {day: "numeric", month: "long", year: "numeric"}, listDayFormat: {weekday: "long", day: "numeric", month: "long"}, listDaySideFormat: function () { return ""; }}
    },
    slotLabelFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    eventContent: content,
    eventClick: function (info) {
      var props = info.event.extendedProps;
      if (doctorMode) {
        // The patient's name is a link that navigates by itself; elsewhere on the visit, go.
        var onLink = info.jsEvent && info.jsEvent.target.closest && info.jsEvent.target.closest("a");
        if (props.kind === "visit" && props.url && !onLink) window.location.assign(props.url);
        return;
      }
      if (props.kind === "visit") openPanel(idOf(urls.panel, props.appointment));
      if (props.kind === "block") {
        panel.innerHTML = "";
        var body = el("div", "desk-panel-body");
        body.appendChild(el("h2", "h5", "Blocked time"));
        body.appendChild(el("p", "", props.reason));
        if (props.removable) {
          var remove = el("button", "btn btn-outline-danger btn-sm", "Remove the block");
          remove.setAttribute("hx-post", idOf(urls.unblock, props.block));
          remove.setAttribute("hx-target", "#desk-panel");
          body.appendChild(remove);
        } else {
          body.appendChild(el("p", "small text-muted", "Set in the administration (leave, maintenance): a manager changes it there."));
        }
        panel.appendChild(body);
        htmx.process(panel);
      }
    },
    dateClick: function (info) {
      if (doctorMode || !info.resource) return;
      var params = new URLSearchParams({start: wallClock(info.date), resource: info.resource.extendedProps.resource});
      openPanel(urls.book + "?" + params);
    },
    select: function (info) {
      if (!info.resource) return;
      var params = new URLSearchParams({start: wallClock(info.start), resource: info.resource.extendedProps.resource});
      openPanel(urls.book + "?" + params);
    },
    eventDragStart: shadeWindow,
    eventDragStop: unshade,
    eventDrop: function (info) {
      unshade();
      if (doctorMode) return info.revert();
      quiet();
      move(info, {});
    },
    datesSet: function (info) { datePicker.value = day(info.start); showTitle(info.view); keepInAddress(); },
    eventAllUpdated: function () { if (ownSet) showResources(); }
  });

  var shownKey = null;
  function showResources() {
    remember();
    var shown = shownResources();
    var key = shown.map(function (r) { return r.id; }).join(",");
    if (key === shownKey) return;  // unchanged: no redraw (and no loop from eventAllUpdated)
    shownKey = key;
    calendar.setOption("resources", shown);
  }
  if (narrow && !doctorMode) {
    document.querySelectorAll("[data-desk-view]").forEach(function (b) {
      var on = b.dataset.deskView === "listDay";
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", String(on));
    });
  }

  function buildResourceList() {
    var list = document.getElementById("desk-resource-list");
    if (!list) return;  // the doctor's schedule: one column, nothing to choose
    list.innerHTML = "";
    var own = el("select", "form-select form-select-sm mb-2");
    own.setAttribute("aria-label", "A doctor's own columns");
    own.appendChild(new Option("Every column chosen below", ""));
    allResources.filter(function (r) { return r.extendedProps.kind === "doctor"; }).forEach(function (r) {
      own.appendChild(new Option(r.title + "'s columns", r.id, false, r.id === ownSet));
    });
    own.addEventListener("change", function () { ownSet = own.value; showResources(); });
    list.appendChild(own);
    allResources.forEach(function (r) {
      var label = el("label", "form-check d-block");
      var box = el("input", "form-check-input");
      box.type = "checkbox";
      box.checked = !hidden.has(r.id);
      box.addEventListener("change", function () {
        if (box.checked) hidden.delete(r.id); else hidden.add(r.id);
        showResources();
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + r.title));
      list.appendChild(label);
    });
  }

  fetch(urls.resources, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (resources) {
    allResources = resources;
    buildResourceList();
    showResources();
  });

  document.querySelectorAll("[data-desk-view]").forEach(function (button) {
    button.addEventListener("click", function () {
      calendar.setOption("view", viewFor(button));
      showTitle(calendar.getView());  // the same dates in another view: no datesSet
      keepInAddress();
      document.querySelectorAll("[data-desk-view]").forEach(function (b) {
        b.classList.toggle("active", b === button);
        b.setAttribute("aria-pressed", String(b === button));
      });
    });
  });
  document.querySelectorAll("[data-desk-go]").forEach(function (button) {
    button.addEventListener("click", function () {
      var go = button.dataset.deskGo;
      if (go === "today") calendar.setOption("date", new Date());
      else calendar[go]();
      keepInAddress();
    });
  });
  datePicker.addEventListener("change", function () {
    if (datePicker.value) calendar.setOption("date", datePicker.value + "T12:00");
    keepInAddress();
  });
  document.querySelectorAll("[data-desk-kind]").forEach(function (box) {
    box.checked = kinds.has(box.dataset.deskKind);
    box.addEventListener("change", function () {
      if (box.checked) kinds.add(box.dataset.deskKind); else kinds.delete(box.dataset.deskKind);
      showResources();
    });
  });
  var cancelledBox = document.getElementById("desk-cancelled");
  if (cancelledBox) cancelledBox.addEventListener("change", function () { calendar.refetchEvents(); });
  if (panel) {
    panel.addEventListener("click", function (event) {
      if (event.target.closest("[data-desk-close]")) panel.innerHTML = panelHint;
    });
    // On a narrow screen the panel sits below the calendar: bring what was opened into view.
    panel.addEventListener("htmx:afterSwap", function () { inView(panel); });
  }
  document.body.addEventListener("deskChanged", function () { calendar.refetchEvents(); });

  /* Another receptionist's change appears here without a reload: a cheap stamp is polled, and
     the calendar is read again only when it changed. */
  function poll() {
    fetch(urls.changes, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      if (stamp !== null && data.stamp !== stamp) calendar.refetchEvents();
      stamp = data.stamp;
    }).catch(function () {});
  }
  poll();
  window.setInterval(poll, 15000);
  window.deskCalendar = calendar; // for the browser tests and the console
})();
