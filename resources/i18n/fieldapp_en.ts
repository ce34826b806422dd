<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CameraScanDialog</name>
    <message>
        <source>Scan card with camera</source>
        <translation>Scan card with camera</translation>
    </message>
    <message>
        <source>Or paste / type the code printed under the QR code (FV1…)</source>
        <translation>Or paste / type the code printed under the QR code (FV1…)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>The camera cannot be used: this copy of Fieldapp was installed without camera support.</source>
        <translation>The camera cannot be used: this copy of Fieldapp was installed without camera support.</translation>
    </message>
    <message>
        <source>No camera was found on this laptop.</source>
        <translation>No camera was found on this laptop.</translation>
    </message>
    <message>
        <source>The camera could not be started.</source>
        <translation>The camera could not be started.</translation>
    </message>
    <message>
        <source>Hold the card&apos;s QR code in front of the camera.</source>
        <translation>Hold the card&apos;s QR code in front of the camera.</translation>
    </message>
    <message>
        <source>Paste or type the card code below instead, or use the USB barcode scanner.</source>
        <translation>Paste or type the card code below instead, or use the USB barcode scanner.</translation>
    </message>
    <message>
        <source>That is not a visit card code. It starts with FV1 and is printed under the QR code.</source>
        <translation>That is not a visit card code. It starts with FV1 and is printed under the QR code.</translation>
    </message>
</context>
<context>
    <name>CardsDialog</name>
    <message>
        <source>Print household cards (明白卡)</source>
        <translation>Print household cards (明白卡)</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>All groups</translation>
    </message>
    <message>
        <source>All households</source>
        <translation>All households</translation>
    </message>
    <message>
        <source>Only households without a card</source>
        <translation>Only households without a card</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>Select all</translation>
    </message>
    <message>
        <source>Select none</source>
        <translation>Select none</translation>
    </message>
    <message>
        <source>Printing gives each card a new number; older cards of the same household stop working.</source>
        <translation>Printing gives each card a new number; older cards of the same household stop working.</translation>
    </message>
    <message>
        <source>Preview…</source>
        <translation>Preview…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>Save PDF…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>card No. %1</source>
        <translation>card No. %1</translation>
    </message>
    <message>
        <source>no card yet</source>
        <translation>no card yet</translation>
    </message>
    <message>
        <source>%1 cards</source>
        <translation>%1 cards</translation>
    </message>
    <message>
        <source>Save cards</source>
        <translation>Save cards</translation>
    </message>
</context>
<context>
    <name>ConflictTableModel</name>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>Values</translation>
    </message>
    <message>
        <source>Shown now</source>
        <translation>Shown now</translation>
    </message>
</context>
<context>
    <name>ConflictsTab</name>
    <message>
        <source>The same field was changed on two laptops before they synchronised. Choose the right value (or type it) and resolve.</source>
        <translation>The same field was changed on two laptops before they synchronised. Choose the right value (or type it) and resolve.</translation>
    </message>
    <message>
        <source>Values (who, when):</source>
        <translation>Values (who, when):</translation>
    </message>
    <message>
        <source>Or type the value:</source>
        <translation>Or type the value:</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Resolve</translation>
    </message>
    <message>
        <source>No conflicts. Everything agrees.</source>
        <translation>No conflicts. Everything agrees.</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Unexpected error</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <source>Fieldapp ran into an unexpected problem. Your saved data is safe.
Please copy the details and send them to county IT support.</source>
        <translation>Fieldapp ran into an unexpected problem. Your saved data is safe.
Please copy the details and send them to county IT support.</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Copy details</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <source>Enroll this laptop</source>
        <translation>Enroll this laptop</translation>
    </message>
    <message>
        <source>County IT gives you the server address and a one-time enrollment code. The laptop must be online for this step.</source>
        <translation>County IT gives you the server address and a one-time enrollment code. The laptop must be online for this step.</translation>
    </message>
    <message>
        <source>e.g. ABCD-EFGH-JKLM</source>
        <translation>e.g. ABCD-EFGH-JKLM</translation>
    </message>
    <message>
        <source>optional, from county IT</source>
        <translation>optional, from county IT</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>Enrollment code</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>Certificate fingerprint</translation>
    </message>
    <message>
        <source>Enroll</source>
        <translation>Enroll</translation>
    </message>
    <message>
        <source>The address must start with https://</source>
        <translation>The address must start with https://</translation>
    </message>
    <message>
        <source>Enter the enrollment code.</source>
        <translation>Enter the enrollment code.</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Fieldapp</source>
        <translation>Fieldapp</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>No</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>HouseholdListTab</name>
    <message>
        <source>Search: name, pinyin initials (zs), ID number, phone, group</source>
        <translation>Search: name, pinyin initials (zs), ID number, phone, group</translation>
    </message>
    <message>
        <source>All household types</source>
        <translation>All household types</translation>
    </message>
    <message>
        <source>Monitored or not</source>
        <translation>Monitored or not</translation>
    </message>
    <message>
        <source>All monitored households</source>
        <translation>All monitored households</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>Open problems</translation>
    </message>
    <message>
        <source>Visit overdue</source>
        <translation>Visit overdue</translation>
    </message>
    <message>
        <source>Open household</source>
        <translation>Open household</translation>
    </message>
    <message>
        <source>Print cards for selection…</source>
        <translation>Print cards for selection…</translation>
    </message>
    <message>
        <source>Scan card with camera…</source>
        <translation>Scan card with camera…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>All groups</translation>
    </message>
    <message>
        <source>%1 of %2 households</source>
        <translation>%1 of %2 households</translation>
    </message>
</context>
<context>
    <name>HouseholdPage</name>
    <message>
        <source>New visit</source>
        <translation>New visit</translation>
    </message>
    <message>
        <source>Edit household…</source>
        <translation>Edit household…</translation>
    </message>
    <message>
        <source>Print card…</source>
        <translation>Print card…</translation>
    </message>
    <message>
        <source>Latest verdict per indicator</source>
        <translation>Latest verdict per indicator</translation>
    </message>
    <message>
        <source>Household card (明白卡)</source>
        <translation>Household card (明白卡)</translation>
    </message>
    <message>
        <source>Edit member…</source>
        <translation>Edit member…</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Visits</translation>
    </message>
    <message>
        <source>Start rectifying</source>
        <translation>Start rectifying</translation>
    </message>
    <message>
        <source>Ask for check</source>
        <translation>Ask for check</translation>
    </message>
    <message>
        <source>Checked: close</source>
        <translation>Checked: close</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>Send back</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problems</translation>
    </message>
    <message>
        <source>Add measure…</source>
        <translation>Add measure…</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>Measures</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>Monitoring</translation>
    </message>
    <message>
        <source>No household open</source>
        <translation>No household open</translation>
    </message>
    <message>
        <source>Choose a household in the list, or scan its card.</source>
        <translation>Choose a household in the list, or scan its card.</translation>
    </message>
    <message>
        <source>Assistance cadre: %1</source>
        <translation>Assistance cadre: %1</translation>
    </message>
    <message>
        <source>Card No. %1, printed %2</source>
        <translation>Card No. %1, printed %2</translation>
    </message>
    <message>
        <source>No card printed yet.</source>
        <translation>No card printed yet.</translation>
    </message>
    <message>
        <source>Unfinished draft saved</source>
        <translation>Unfinished draft saved</translation>
    </message>
    <message>
        <source>No visits recorded yet.</source>
        <translation>No visits recorded yet.</translation>
    </message>
    <message>
        <source>card scanned</source>
        <translation>card scanned</translation>
    </message>
    <message>
        <source>First recorded visit.</source>
        <translation>First recorded visit.</translation>
    </message>
    <message>
        <source>No change since the visit before.</source>
        <translation>No change since the visit before.</translation>
    </message>
    <message>
        <source>Select a problem to see its history and move it on.</source>
        <translation>Select a problem to see its history and move it on.</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>Household type</translation>
    </message>
    <message>
        <source>Monitoring type</source>
        <translation>Monitoring type</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>Schooling</source>
        <translation>Schooling</translation>
    </message>
    <message>
        <source>Labour</source>
        <translation>Labour</translation>
    </message>
    <message>
        <source>Medical insurance</source>
        <translation>Medical insurance</translation>
    </message>
    <message>
        <source>Edit household</source>
        <translation>Edit household</translation>
    </message>
    <message>
        <source>Edit member</source>
        <translation>Edit member</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <source>Head of household</source>
        <translation>Head of household</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>Household type</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>Monitoring</translation>
    </message>
    <message>
        <source>People</source>
        <translation>People</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <source>Next visit due</source>
        <translation>Next visit due</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>Open problems</translation>
    </message>
    <message>
        <source>Latest verdict</source>
        <translation>Latest verdict</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>now</source>
        <translation>now</translation>
    </message>
    <message>
        <source>No. %1</source>
        <translation>No. %1</translation>
    </message>
    <message>
        <source>not printed</source>
        <translation>not printed</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Fieldapp — household visits</source>
        <translation>Fieldapp — household visits</translation>
    </message>
    <message>
        <source>Scan card with camera…</source>
        <translation>Scan card with camera…</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>Household</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Visit</translation>
    </message>
    <message>
        <source>Village overview</source>
        <translation>Village overview</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>Sync and backup</source>
        <translation>Sync and backup</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>Lock now</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>Signed in as %1</translation>
    </message>
    <message>
        <source>Not enrolled with the county: sync by USB or enroll</source>
        <translation>Not enrolled with the county: sync by USB or enroll</translation>
    </message>
    <message>
        <source>Last sync %1</source>
        <translation>Last sync %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>%1 changes waiting</source>
        <translation>%1 changes waiting</translation>
    </message>
    <message>
        <source>automatic sync off</source>
        <translation>automatic sync off</translation>
    </message>
    <message>
        <source>syncing…</source>
        <translation>syncing…</translation>
    </message>
    <message>
        <source>county reachable</source>
        <translation>county reachable</translation>
    </message>
    <message>
        <source>county not reachable, next try in %1 min</source>
        <translation>county not reachable, next try in %1 min</translation>
    </message>
    <message>
        <source>Visit in progress</source>
        <translation>Visit in progress</translation>
    </message>
    <message>
        <source>Another visit is open. Finalise or discard it first; its draft is saved.</source>
        <translation>Another visit is open. Finalise or discard it first; its draft is saved.</translation>
    </message>
    <message>
        <source>Card not accepted</source>
        <translation>Card not accepted</translation>
    </message>
</context>
<context>
    <name>MeasureDialog</name>
    <message>
        <source>Add assistance measure</source>
        <translation>Add assistance measure</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
</context>
<context>
    <name>MeasureTableModel</name>
    <message>
        <source>Measure</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>From</source>
        <translation>From</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Until</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>running</source>
        <translation>running</translation>
    </message>
</context>
<context>
    <name>MemberTableModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Age</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>Schooling</source>
        <translation>Schooling</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Health</translation>
    </message>
    <message>
        <source>Labour</source>
        <translation>Labour</translation>
    </message>
    <message>
        <source>Medical insurance</source>
        <translation>Medical insurance</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>current</source>
        <translation>current</translation>
    </message>
    <message>
        <source>left the household</source>
        <translation>left the household</translation>
    </message>
</context>
<context>
    <name>MonitoringPanel</name>
    <message>
        <source>Propose for monitoring…</source>
        <translation>Propose for monitoring…</translation>
    </message>
    <message>
        <source>Propose risk elimination…</source>
        <translation>Propose risk elimination…</translation>
    </message>
    <message>
        <source>New risk: back to monitoring…</source>
        <translation>New risk: back to monitoring…</translation>
    </message>
    <message>
        <source>Add plan measure…</source>
        <translation>Add plan measure…</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>since %1</translation>
    </message>
    <message>
        <source>(phase-out until %1)</source>
        <translation>(phase-out until %1)</translation>
    </message>
    <message>
        <source>Next: %1, by the %2, due %3</source>
        <translation>Next: %1, by the %2, due %3</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>overdue</translation>
    </message>
    <message>
        <source>Record: %1…</source>
        <translation>Record: %1…</translation>
    </message>
    <message>
        <source>village</source>
        <translation>village</translation>
    </message>
    <message>
        <source>township</source>
        <translation>township</translation>
    </message>
    <message>
        <source>county</source>
        <translation>county</translation>
    </message>
    <message>
        <source>Every risk-elimination condition holds.</source>
        <translation>Every risk-elimination condition holds.</translation>
    </message>
    <message>
        <source>Risk elimination cannot be proposed yet:</source>
        <translation>Risk elimination cannot be proposed yet:</translation>
    </message>
    <message>
        <source>Plan (一户一策) warnings:</source>
        <translation>Plan (一户一策) warnings:</translation>
    </message>
    <message>
        <source>Plan measures</source>
        <translation>Plan measures</translation>
    </message>
    <message>
        <source>Look-back (回头看) due:</source>
        <translation>Look-back (回头看) due:</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>by %1</translation>
    </message>
    <message>
        <source>Steps taken</source>
        <translation>Steps taken</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>planned</translation>
    </message>
    <message>
        <source>running</source>
        <translation>running</translation>
    </message>
    <message>
        <source>done</source>
        <translation>done</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <source>Propose for monitoring</source>
        <translation>Propose for monitoring</translation>
    </message>
    <message>
        <source>Propose risk elimination</source>
        <translation>Propose risk elimination</translation>
    </message>
    <message>
        <source>New risk: back to monitoring</source>
        <translation>New risk: back to monitoring</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>Visits this month</source>
        <translation>Visits this month</translation>
    </message>
    <message>
        <source>Households overdue for a visit</source>
        <translation>Households overdue for a visit</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>Open problems</translation>
    </message>
    <message>
        <source>Monitored households</source>
        <translation>Monitored households</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Problems past deadline</source>
        <translation>Problems past deadline</translation>
    </message>
    <message>
        <source>Save summary as PDF…</source>
        <translation>Save summary as PDF…</translation>
    </message>
    <message>
        <source>Print summary…</source>
        <translation>Print summary…</translation>
    </message>
    <message>
        <source>up to 7 days</source>
        <translation>up to 7 days</translation>
    </message>
    <message>
        <source>8–30 days</source>
        <translation>8–30 days</translation>
    </message>
    <message>
        <source>31–90 days</source>
        <translation>31–90 days</translation>
    </message>
    <message>
        <source>over 90 days</source>
        <translation>over 90 days</translation>
    </message>
    <message>
        <source>Latest verdict per indicator (households)</source>
        <translation>Latest verdict per indicator (households)</translation>
    </message>
    <message>
        <source>Open problems by indicator</source>
        <translation>Open problems by indicator</translation>
    </message>
    <message>
        <source>Visits per month</source>
        <translation>Visits per month</translation>
    </message>
    <message>
        <source>Open problems by age</source>
        <translation>Open problems by age</translation>
    </message>
    <message>
        <source>Village overview</source>
        <translation>Village overview</translation>
    </message>
    <message>
        <source>Save summary</source>
        <translation>Save summary</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>Photos</source>
        <translation>Photos</translation>
    </message>
    <message>
        <source>Add photo from file…</source>
        <translation>Add photo from file…</translation>
    </message>
    <message>
        <source>Camera capture is not available in this installation; add photos from a file.</source>
        <translation>Camera capture is not available in this installation; add photos from a file.</translation>
    </message>
    <message>
        <source>Choose photos</source>
        <translation>Choose photos</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.webp)</source>
        <translation>Images (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
</context>
<context>
    <name>PlanMeasureDialog</name>
    <message>
        <source>Responsible</source>
        <translation>Responsible</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Until</translation>
    </message>
</context>
<context>
    <name>ProblemStepDialog</name>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>Checked by</translation>
    </message>
    <message>
        <source>Closing needs a note on how it was fixed, and a checker other than the person who reported it.</source>
        <translation>Closing needs a note on how it was fixed, and a checker other than the person who reported it.</translation>
    </message>
    <message>
        <source>Ctrl+Enter: save this step</source>
        <translation>Ctrl+Enter: save this step</translation>
    </message>
</context>
<context>
    <name>ProblemTableModel</name>
    <message>
        <source>Indicator</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>Found</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>Reported by</source>
        <translation>Reported by</translation>
    </message>
    <message>
        <source>Last step</source>
        <translation>Last step</translation>
    </message>
</context>
<context>
    <name>RelayWindow</name>
    <message>
        <source>Fieldapp — township relay</source>
        <translation>Fieldapp — township relay</translation>
    </message>
    <message>
        <source>Township relay: USB sticks to the county and back</source>
        <translation>Township relay: USB sticks to the county and back</translation>
    </message>
    <message>
        <source>County server: %1</source>
        <translation>County server: %1</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>Bundle</translation>
    </message>
    <message>
        <source>From device</source>
        <translation>From device</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>Read a folder instead…</source>
        <translation>Read a folder instead…</translation>
    </message>
    <message>
        <source>Upload the queue now</source>
        <translation>Upload the queue now</translation>
    </message>
    <message>
        <source>Plug in a USB stick with visit data. It is read as soon as it is in.</source>
        <translation>Plug in a USB stick with visit data. It is read as soon as it is in.</translation>
    </message>
    <message>
        <source>Choose the USB stick (or a folder on it)</source>
        <translation>Choose the USB stick (or a folder on it)</translation>
    </message>
    <message>
        <source>Reading the stick %1 … do not pull it out yet.</source>
        <translation>Reading the stick %1 … do not pull it out yet.</translation>
    </message>
    <message>
        <source>Done. You can pull out the stick now. Replies for %1 laptops were written onto it.</source>
        <translation>Done. You can pull out the stick now. Replies for %1 laptops were written onto it.</translation>
    </message>
    <message>
        <source>Nothing was changed on the stick; you can pull it out. %1</source>
        <translation>Nothing was changed on the stick; you can pull it out. %1</translation>
    </message>
    <message>
        <source>County reachable.</source>
        <translation>County reachable.</translation>
    </message>
    <message>
        <source>The county cannot be reached now: good bundles wait in the office queue.</source>
        <translation>The county cannot be reached now: good bundles wait in the office queue.</translation>
    </message>
    <message>
        <source>%1 bundles waiting in the queue.</source>
        <translation>%1 bundles waiting in the queue.</translation>
    </message>
    <message>
        <source>Checked and delivered to the county</source>
        <translation>Checked and delivered to the county</translation>
    </message>
    <message>
        <source>Already delivered earlier (nothing new)</source>
        <translation>Already delivered earlier (nothing new)</translation>
    </message>
    <message>
        <source>Checked; waiting in the queue</source>
        <translation>Checked; waiting in the queue</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Refused: %1</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>This program</source>
        <translation>This program</translation>
    </message>
    <message>
        <source>%1 pt</source>
        <translation>%1 pt</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>Text size</translation>
    </message>
    <message>
        <source>Lock after idle</source>
        <translation>Lock after idle</translation>
    </message>
    <message>
        <source>County server</source>
        <translation>County server</translation>
    </message>
    <message>
        <source>Save address</source>
        <translation>Save address</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>Sync automatically in the background when the county can be reached</source>
        <translation>Sync automatically in the background when the county can be reached</translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation>Change passphrase</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>New passphrase</translation>
    </message>
    <message>
        <source>Repeat new passphrase</source>
        <translation>Repeat new passphrase</translation>
    </message>
    <message>
        <source>The address must start with https://</source>
        <translation>The address must start with https://</translation>
    </message>
    <message>
        <source>Server address saved.</source>
        <translation>Server address saved.</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>The two passphrases differ.</translation>
    </message>
    <message>
        <source>Changing passphrase…</source>
        <translation>Changing passphrase…</translation>
    </message>
    <message>
        <source>Passphrase changed. Use the new one from now on.</source>
        <translation>Passphrase changed. Use the new one from now on.</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Everywhere</source>
        <translation>Everywhere</translation>
    </message>
    <message>
        <source>Household page</source>
        <translation>Household page</translation>
    </message>
    <message>
        <source>Visit form</source>
        <translation>Visit form</translation>
    </message>
    <message>
        <source>Dialogs</source>
        <translation>Dialogs</translation>
    </message>
    <message>
        <source>This list of shortcuts</source>
        <translation>This list of shortcuts</translation>
    </message>
    <message>
        <source>Search households</source>
        <translation>Search households</translation>
    </message>
    <message>
        <source>Go to tab 1 to 7 (households … settings)</source>
        <translation>Go to tab 1 to 7 (households … settings)</translation>
    </message>
    <message>
        <source>Next / previous tab</source>
        <translation>Next / previous tab</translation>
    </message>
    <message>
        <source>Next / previous control; Tab also leaves a table</source>
        <translation>Next / previous control; Tab also leaves a table</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>Lock now</translation>
    </message>
    <message>
        <source>Scan card with camera</source>
        <translation>Scan card with camera</translation>
    </message>
    <message>
        <source>Household list</source>
        <translation>Household list</translation>
    </message>
    <message>
        <source>Open the best match, or the selected household</source>
        <translation>Open the best match, or the selected household</translation>
    </message>
    <message>
        <source>New visit (or back to the open one)</source>
        <translation>New visit (or back to the open one)</translation>
    </message>
    <message>
        <source>Edit household</source>
        <translation>Edit household</translation>
    </message>
    <message>
        <source>Members / visits / problems / measures</source>
        <translation>Members / visits / problems / measures</translation>
    </message>
    <message>
        <source>Problem: start rectifying</source>
        <translation>Problem: start rectifying</translation>
    </message>
    <message>
        <source>Problem: ask for check</source>
        <translation>Problem: ask for check</translation>
    </message>
    <message>
        <source>Problem: checked, close</source>
        <translation>Problem: checked, close</translation>
    </message>
    <message>
        <source>Problem: send back</source>
        <translation>Problem: send back</translation>
    </message>
    <message>
        <source>Next question; after the last one, next section</source>
        <translation>Next question; after the last one, next section</translation>
    </message>
    <message>
        <source>New line in a text field</source>
        <translation>New line in a text field</translation>
    </message>
    <message>
        <source>Next / previous section</source>
        <translation>Next / previous section</translation>
    </message>
    <message>
        <source>Finalise the visit</source>
        <translation>Finalise the visit</translation>
    </message>
    <message>
        <source>Discard the draft (asks first; the answer defaults to No)</source>
        <translation>Discard the draft (asks first; the answer defaults to No)</translation>
    </message>
    <message>
        <source>Choose in a list / tick a box</source>
        <translation>Choose in a list / tick a box</translation>
    </message>
    <message>
        <source>Save the problem step</source>
        <translation>Save the problem step</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Where</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <source>Already open</source>
        <translation>Already open</translation>
    </message>
    <message>
        <source>This data folder is already open in another Fieldapp window on this laptop. Switch to that window (look on the taskbar); this copy will close.</source>
        <translation>This data folder is already open in another Fieldapp window on this laptop. Switch to that window (look on the taskbar); this copy will close.</translation>
    </message>
</context>
<context>
    <name>StatusTab</name>
    <message>
        <source>This laptop</source>
        <translation>This laptop</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>Households</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Device</translation>
    </message>
    <message>
        <source>Data format version</source>
        <translation>Data format version</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>A backup is an encrypted copy of everything on this laptop. Keep it on a USB stick in a safe place; it opens only with your passphrase.</source>
        <translation>A backup is an encrypted copy of everything on this laptop. Keep it on a USB stick in a safe place; it opens only with your passphrase.</translation>
    </message>
    <message>
        <source>Folder, e.g. the USB stick</source>
        <translation>Folder, e.g. the USB stick</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <source>Restore from backup…</source>
        <translation>Restore from backup…</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Choose a folder</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <source>Backup written: %1</source>
        <translation>Backup written: %1</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>Choose a backup</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>Restoring replaces the data on this laptop with the backup. Changes made since the backup are lost. Continue?</source>
        <translation>Restoring replaces the data on this laptop with the backup. Changes made since the backup are lost. Continue?</translation>
    </message>
    <message>
        <source>Passphrase of the backup:</source>
        <translation>Passphrase of the backup:</translation>
    </message>
    <message>
        <source>Restored. Unlock to continue.</source>
        <translation>Restored. Unlock to continue.</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <source>Monitoring type</source>
        <translation>Monitoring type</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>Reason (required)</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Synchronisation with the county</source>
        <translation>Synchronisation with the county</translation>
    </message>
    <message>
        <source>Last synchronisation</source>
        <translation>Last synchronisation</translation>
    </message>
    <message>
        <source>Enrolled server</source>
        <translation>Enrolled server</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>Villages</translation>
    </message>
    <message>
        <source>Changes waiting to be sent</source>
        <translation>Changes waiting to be sent</translation>
    </message>
    <message>
        <source>Conflicts waiting for review</source>
        <translation>Conflicts waiting for review</translation>
    </message>
    <message>
        <source>Review conflicts</source>
        <translation>Review conflicts</translation>
    </message>
    <message>
        <source>Changes held by the county</source>
        <translation>Changes held by the county</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Export to USB…</source>
        <translation>Export to USB…</translation>
    </message>
    <message>
        <source>Import from USB…</source>
        <translation>Import from USB…</translation>
    </message>
    <message>
        <source>Enroll with the county…</source>
        <translation>Enroll with the county…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Exporting to USB is not delivery: the changes stay in &quot;waiting to be sent&quot; until the county acknowledges them (after the next sync, or when you import the county&apos;s reply bundle from the stick).</source>
        <translation>Exporting to USB is not delivery: the changes stay in &quot;waiting to be sent&quot; until the county acknowledges them (after the next sync, or when you import the county&apos;s reply bundle from the stick).</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>(county %1)</source>
        <translation>(county %1)</translation>
    </message>
    <message>
        <source>not enrolled yet</source>
        <translation>not enrolled yet</translation>
    </message>
    <message>
        <source>%1 changes were held by the county: they are outside this laptop&apos;s villages or malformed. County IT can release or reject them.</source>
        <translation>%1 changes were held by the county: they are outside this laptop&apos;s villages or malformed. County IT can release or reject them.</translation>
    </message>
    <message>
        <source>%1 changes received from the county could not be applied and were set aside; everything else was applied.</source>
        <translation>%1 changes received from the county could not be applied and were set aside; everything else was applied.</translation>
    </message>
    <message>
        <source>Enroll this laptop with the county first.</source>
        <translation>Enroll this laptop with the county first.</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was lost; what the county already acknowledged stays acknowledged.</source>
        <translation>Cancelled. Nothing was lost; what the county already acknowledged stays acknowledged.</translation>
    </message>
    <message>
        <source>Sending changes… %1 of %2</source>
        <translation>Sending changes… %1 of %2</translation>
    </message>
    <message>
        <source>Receiving changes… %1</source>
        <translation>Receiving changes… %1</translation>
    </message>
    <message>
        <source>Connecting to the county server…</source>
        <translation>Connecting to the county server…</translation>
    </message>
    <message>
        <source>Synchronised: sent %1, received %2; %3 waiting to be sent.</source>
        <translation>Synchronised: sent %1, received %2; %3 waiting to be sent.</translation>
    </message>
    <message>
        <source>Choose the USB stick (or a folder on it)</source>
        <translation>Choose the USB stick (or a folder on it)</translation>
    </message>
    <message>
        <source>Writing the bundle to %1…</source>
        <translation>Writing the bundle to %1…</translation>
    </message>
    <message>
        <source>Bundle written: %1 (%2 changes). This is not delivery yet: take the stick to the township office; the changes stay waiting until the county acknowledges them.</source>
        <translation>Bundle written: %1 (%2 changes). This is not delivery yet: take the stick to the township office; the changes stay waiting until the county acknowledges them.</translation>
    </message>
    <message>
        <source>Choose the county&apos;s bundle</source>
        <translation>Choose the county&apos;s bundle</translation>
    </message>
    <message>
        <source>Fieldapp bundles (*.fab);;All files (*)</source>
        <translation>Fieldapp bundles (*.fab);;All files (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Importing %1…</translation>
    </message>
    <message>
        <source>Imported %1 changes from the county.</source>
        <translation>Imported %1 changes from the county.</translation>
    </message>
    <message>
        <source>Enrolling with %1…</source>
        <translation>Enrolling with %1…</translation>
    </message>
    <message>
        <source>Enrolled with county %1 for villages %2.</source>
        <translation>Enrolled with county %1 for villages %2.</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>e.g. 王建国</source>
        <translation>e.g. 王建国</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Your name</translation>
    </message>
    <message>
        <source>County code (optional)</source>
        <translation>County code (optional)</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Passphrase</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Repeat passphrase</translation>
    </message>
    <message>
        <source>If you forget the passphrase, county IT can recover the data on this laptop once it has been enrolled with the county server (the county recovery key). Until then, a forgotten passphrase means the data cannot be opened. Write the passphrase down and keep it safe.</source>
        <translation>If you forget the passphrase, county IT can recover the data on this laptop once it has been enrolled with the county server (the county recovery key). Until then, a forgotten passphrase means the data cannot be opened. Write the passphrase down and keep it safe.</translation>
    </message>
    <message>
        <source>This computer is at the township office (relay)…</source>
        <translation>This computer is at the township office (relay)…</translation>
    </message>
    <message>
        <source>Welcome to Fieldapp</source>
        <translation>Welcome to Fieldapp</translation>
    </message>
    <message>
        <source>Fieldapp is locked</source>
        <translation>Fieldapp is locked</translation>
    </message>
    <message>
        <source>Choose a passphrase to protect the household data on this laptop. Everything is stored encrypted; nobody can read it without the passphrase.</source>
        <translation>Choose a passphrase to protect the household data on this laptop. Everything is stored encrypted; nobody can read it without the passphrase.</translation>
    </message>
    <message>
        <source>Enter your passphrase to open the household data.</source>
        <translation>Enter your passphrase to open the household data.</translation>
    </message>
    <message>
        <source>Create and open</source>
        <translation>Create and open</translation>
    </message>
    <message>
        <source>Township relay</source>
        <translation>Township relay</translation>
    </message>
    <message>
        <source>A relay takes visit bundles off USB sticks, checks them and sends them to the county. It keeps no household data and cannot read the bundles.

County server address:</source>
        <translation>A relay takes visit bundles off USB sticks, checks them and sends them to the county. It keeps no household data and cannot read the bundles.

County server address:</translation>
    </message>
    <message>
        <source>The address must start with https://</source>
        <translation>The address must start with https://</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>too short (at least 8 characters)</source>
        <translation>too short (at least 8 characters)</translation>
    </message>
    <message>
        <source>weak</source>
        <translation>weak</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>fair</translation>
    </message>
    <message>
        <source>good</source>
        <translation>good</translation>
    </message>
    <message>
        <source>strong</source>
        <translation>strong</translation>
    </message>
    <message>
        <source>Strength: %1</source>
        <translation>Strength: %1</translation>
    </message>
    <message>
        <source>Use at least 8 characters; a short sentence is easy to remember.</source>
        <translation>Use at least 8 characters; a short sentence is easy to remember.</translation>
    </message>
    <message>
        <source>The two passphrases differ. Type the same passphrase twice.</source>
        <translation>The two passphrases differ. Type the same passphrase twice.</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>Enter the passphrase.</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <source>Live verdict</source>
        <translation>Live verdict</translation>
    </message>
    <message>
        <source>Previous section</source>
        <translation>Previous section</translation>
    </message>
    <message>
        <source>Next section</source>
        <translation>Next section</translation>
    </message>
    <message>
        <source>Discard draft</source>
        <translation>Discard draft</translation>
    </message>
    <message>
        <source>Finalise visit…</source>
        <translation>Finalise visit…</translation>
    </message>
    <message>
        <source>No visit in progress</source>
        <translation>No visit in progress</translation>
    </message>
    <message>
        <source>Open a household and press “New visit”.</source>
        <translation>Open a household and press “New visit”.</translation>
    </message>
    <message>
        <source>Visit: %1</source>
        <translation>Visit: %1</translation>
    </message>
    <message>
        <source>Draft resumed</source>
        <translation>Draft resumed</translation>
    </message>
    <message>
        <source>Add another</source>
        <translation>Add another</translation>
    </message>
    <message>
        <source>Draft saved %1</source>
        <translation>Draft saved %1</translation>
    </message>
    <message>
        <source>Card scan recorded</source>
        <translation>Card scan recorded</translation>
    </message>
    <message>
        <source>%1 to fix, %2 to check</source>
        <translation>%1 to fix, %2 to check</translation>
    </message>
    <message>
        <source>Answers incomplete</source>
        <translation>Answers incomplete</translation>
    </message>
    <message>
        <source>Overall: %1</source>
        <translation>Overall: %1</translation>
    </message>
    <message>
        <source>Visit not complete</source>
        <translation>Visit not complete</translation>
    </message>
    <message>
        <source>%1 answers need fixing before the visit can be finalised.
First: %2</source>
        <translation>%1 answers need fixing before the visit can be finalised.
First: %2</translation>
    </message>
    <message>
        <source>Problems that will be added to the ledger:</source>
        <translation>Problems that will be added to the ledger:</translation>
    </message>
    <message>
        <source>%1 answers to double-check (they do not block).</source>
        <translation>%1 answers to double-check (they do not block).</translation>
    </message>
    <message>
        <source>A finalised visit can no longer be changed.</source>
        <translation>A finalised visit can no longer be changed.</translation>
    </message>
    <message>
        <source>Finalise visit</source>
        <translation>Finalise visit</translation>
    </message>
    <message>
        <source>Finalise</source>
        <translation>Finalise</translation>
    </message>
    <message>
        <source>Throw away this unfinished visit?</source>
        <translation>Throw away this unfinished visit?</translation>
    </message>
</context>
</TS>
