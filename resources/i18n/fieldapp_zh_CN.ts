<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CameraScanDialog</name>
    <message>
        <source>Scan card with camera</source>
        <translation>用摄像头扫描卡片</translation>
    </message>
    <message>
        <source>Or paste / type the code printed under the QR code (FV1…)</source>
        <translation>或粘贴/输入二维码下方印的编码（FV1…）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>The camera cannot be used: this copy of Fieldapp was installed without camera support.</source>
        <translation>无法使用摄像头：本机安装的 Fieldapp 不含摄像头功能。</translation>
    </message>
    <message>
        <source>No camera was found on this laptop.</source>
        <translation>本机没有找到摄像头。</translation>
    </message>
    <message>
        <source>The camera could not be started.</source>
        <translation>摄像头无法启动。</translation>
    </message>
    <message>
        <source>Hold the card&apos;s QR code in front of the camera.</source>
        <translation>请把卡片上的二维码对准摄像头。</translation>
    </message>
    <message>
        <source>Paste or type the card code below instead, or use the USB barcode scanner.</source>
        <translation>请在下方粘贴或输入卡片编码，或使用USB扫码枪。</translation>
    </message>
    <message>
        <source>That is not a visit card code. It starts with FV1 and is printed under the QR code.</source>
        <translation>这不是走访卡编码。编码以 FV1 开头，印在二维码下方。</translation>
    </message>
</context>
<context>
    <name>CardsDialog</name>
    <message>
        <source>Print household cards (明白卡)</source>
        <translation>打印明白卡</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>全部村民小组</translation>
    </message>
    <message>
        <source>All households</source>
        <translation>全部农户</translation>
    </message>
    <message>
        <source>Only households without a card</source>
        <translation>仅未打印明白卡的户</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>Select none</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Printing gives each card a new number; older cards of the same household stop working.</source>
        <translation>每次打印都会给明白卡一个新编号，该户以前的卡随即作废。</translation>
    </message>
    <message>
        <source>Preview…</source>
        <translation>预览…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>保存为 PDF…</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>card No. %1</source>
        <translation>第 %1 号卡</translation>
    </message>
    <message>
        <source>no card yet</source>
        <translation>尚无明白卡</translation>
    </message>
    <message>
        <source>%1 cards</source>
        <translation>共 %1 张</translation>
    </message>
    <message>
        <source>Save cards</source>
        <translation>保存明白卡</translation>
    </message>
</context>
<context>
    <name>ConflictTableModel</name>
    <message>
        <source>Household</source>
        <translation>户详情</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Values</source>
        <translation>各方的值</translation>
    </message>
    <message>
        <source>Shown now</source>
        <translation>当前显示</translation>
    </message>
</context>
<context>
    <name>ConflictsTab</name>
    <message>
        <source>The same field was changed on two laptops before they synchronised. Choose the right value (or type it) and resolve.</source>
        <translation>同一项信息在两台电脑上同步之前都被修改过。请选择正确的值（或直接输入），然后确认处理。</translation>
    </message>
    <message>
        <source>Values (who, when):</source>
        <translation>各方的值（修改人、时间）：</translation>
    </message>
    <message>
        <source>Or type the value:</source>
        <translation>或直接输入正确的值：</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>确认处理</translation>
    </message>
    <message>
        <source>No conflicts. Everything agrees.</source>
        <translation>没有冲突，各处数据一致。</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Fieldapp ran into an unexpected problem. Your saved data is safe.
Please copy the details and send them to county IT support.</source>
        <translation>程序遇到意外问题。已保存的数据是安全的。
请复制详细信息，发给县里的技术支持人员。</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <source>Enroll this laptop</source>
        <translation>本机入网登记</translation>
    </message>
    <message>
        <source>County IT gives you the server address and a one-time enrollment code. The laptop must be online for this step.</source>
        <translation>服务器地址和一次性登记码由县里信息员提供。这一步需要笔记本联网。</translation>
    </message>
    <message>
        <source>e.g. ABCD-EFGH-JKLM</source>
        <translation>例如 ABCD-EFGH-JKLM</translation>
    </message>
    <message>
        <source>optional, from county IT</source>
        <translation>可不填，由县里信息员提供</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Enrollment code</source>
        <translation>登记码</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>证书指纹</translation>
    </message>
    <message>
        <source>Enroll</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>The address must start with https://</source>
        <translation>地址必须以 https:// 开头</translation>
    </message>
    <message>
        <source>Enter the enrollment code.</source>
        <translation>请输入登记码。</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Fieldapp</source>
        <translation>Fieldapp 入户走访</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>HouseholdListTab</name>
    <message>
        <source>Search: name, pinyin initials (zs), ID number, phone, group</source>
        <translation>搜索：姓名、拼音首字母（如 zs）、身份证号、电话、组</translation>
    </message>
    <message>
        <source>All household types</source>
        <translation>全部户类型</translation>
    </message>
    <message>
        <source>Monitored or not</source>
        <translation>是否监测对象</translation>
    </message>
    <message>
        <source>All monitored households</source>
        <translation>全部监测对象</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>未销号问题</translation>
    </message>
    <message>
        <source>Visit overdue</source>
        <translation>逾期未走访</translation>
    </message>
    <message>
        <source>Open household</source>
        <translation>打开该户</translation>
    </message>
    <message>
        <source>Print cards for selection…</source>
        <translation>为选中的户打印明白卡…</translation>
    </message>
    <message>
        <source>Scan card with camera…</source>
        <translation>摄像头扫卡…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部行政村</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>全部村民小组</translation>
    </message>
    <message>
        <source>%1 of %2 households</source>
        <translation>显示 %1 户 / 共 %2 户</translation>
    </message>
</context>
<context>
    <name>HouseholdPage</name>
    <message>
        <source>New visit</source>
        <translation>新建走访</translation>
    </message>
    <message>
        <source>Edit household…</source>
        <translation>修改户信息…</translation>
    </message>
    <message>
        <source>Print card…</source>
        <translation>打印明白卡…</translation>
    </message>
    <message>
        <source>Latest verdict per indicator</source>
        <translation>各项指标最近结论</translation>
    </message>
    <message>
        <source>Household card (明白卡)</source>
        <translation>明白卡</translation>
    </message>
    <message>
        <source>Edit member…</source>
        <translation>修改成员信息…</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>家庭成员</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>走访记录</translation>
    </message>
    <message>
        <source>Start rectifying</source>
        <translation>开始整改</translation>
    </message>
    <message>
        <source>Ask for check</source>
        <translation>申请验收</translation>
    </message>
    <message>
        <source>Checked: close</source>
        <translation>验收通过，销号</translation>
    </message>
    <message>
        <source>Send back</source>
        <translation>退回整改</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题台账</translation>
    </message>
    <message>
        <source>Add measure…</source>
        <translation>添加帮扶措施…</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>监测帮扶</translation>
    </message>
    <message>
        <source>No household open</source>
        <translation>未打开任何农户</translation>
    </message>
    <message>
        <source>Choose a household in the list, or scan its card.</source>
        <translation>请在户列表中选择一户，或扫描该户的明白卡。</translation>
    </message>
    <message>
        <source>Assistance cadre: %1</source>
        <translation>帮扶责任人：%1</translation>
    </message>
    <message>
        <source>Card No. %1, printed %2</source>
        <translation>第 %1 号卡，%2 打印</translation>
    </message>
    <message>
        <source>No card printed yet.</source>
        <translation>尚未打印明白卡。</translation>
    </message>
    <message>
        <source>Unfinished draft saved</source>
        <translation>有未完成的走访草稿</translation>
    </message>
    <message>
        <source>No visits recorded yet.</source>
        <translation>还没有走访记录。</translation>
    </message>
    <message>
        <source>card scanned</source>
        <translation>已扫卡</translation>
    </message>
    <message>
        <source>First recorded visit.</source>
        <translation>首次走访记录。</translation>
    </message>
    <message>
        <source>No change since the visit before.</source>
        <translation>与上次走访相比没有变化。</translation>
    </message>
    <message>
        <source>Select a problem to see its history and move it on.</source>
        <translation>选择一个问题，查看其处理经过并推进整改。</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>登记</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>村民小组</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住址</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Monitoring type</source>
        <translation>监测类型</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Schooling</source>
        <translation>在校生状况</translation>
    </message>
    <message>
        <source>Labour</source>
        <translation>劳动技能</translation>
    </message>
    <message>
        <source>Medical insurance</source>
        <translation>基本医疗保险</translation>
    </message>
    <message>
        <source>Edit household</source>
        <translation>修改户信息</translation>
    </message>
    <message>
        <source>Edit member</source>
        <translation>修改成员信息</translation>
    </message>
</context>
<context>
    <name>HouseholdTableModel</name>
    <message>
        <source>Head of household</source>
        <translation>户主</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>村民小组</translation>
    </message>
    <message>
        <source>Household type</source>
        <translation>户类型</translation>
    </message>
    <message>
        <source>Monitoring</source>
        <translation>监测类型</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人口</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>上次走访</translation>
    </message>
    <message>
        <source>Next visit due</source>
        <translation>下次走访</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>未销号问题</translation>
    </message>
    <message>
        <source>Latest verdict</source>
        <translation>最近结论</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>明白卡</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>No. %1</source>
        <translation>第 %1 号</translation>
    </message>
    <message>
        <source>not printed</source>
        <translation>未打印</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Fieldapp — household visits</source>
        <translation>Fieldapp — 入户走访</translation>
    </message>
    <message>
        <source>Scan card with camera…</source>
        <translation>摄像头扫卡…</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户列表</translation>
    </message>
    <message>
        <source>Household</source>
        <translation>户详情</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>走访</translation>
    </message>
    <message>
        <source>Village overview</source>
        <translation>村情概览</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <source>Sync and backup</source>
        <translation>同步与备份</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>立即锁定</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>当前用户：%1</translation>
    </message>
    <message>
        <source>Not enrolled with the county: sync by USB or enroll</source>
        <translation>本机尚未在县里登记：请用U盘同步或先登记</translation>
    </message>
    <message>
        <source>Last sync %1</source>
        <translation>上次同步 %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>%1 changes waiting</source>
        <translation>%1 条修改待发送</translation>
    </message>
    <message>
        <source>automatic sync off</source>
        <translation>自动同步已关闭</translation>
    </message>
    <message>
        <source>syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>county reachable</source>
        <translation>县服务器可连接</translation>
    </message>
    <message>
        <source>county not reachable, next try in %1 min</source>
        <translation>县服务器连不上，%1 分钟后再试</translation>
    </message>
    <message>
        <source>Visit in progress</source>
        <translation>走访进行中</translation>
    </message>
    <message>
        <source>Another visit is open. Finalise or discard it first; its draft is saved.</source>
        <translation>另一户的走访尚未完成。请先定稿或放弃；草稿已自动保存。</translation>
    </message>
    <message>
        <source>Card not accepted</source>
        <translation>明白卡无法识别</translation>
    </message>
</context>
<context>
    <name>MeasureDialog</name>
    <message>
        <source>Add assistance measure</source>
        <translation>添加帮扶措施</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>措施类别</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始日期</translation>
    </message>
</context>
<context>
    <name>MeasureTableModel</name>
    <message>
        <source>Measure</source>
        <translation>措施类别</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>running</source>
        <translation>实施中</translation>
    </message>
</context>
<context>
    <name>MemberTableModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>与户主关系</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <source>Schooling</source>
        <translation>在校生状况</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>健康状况</translation>
    </message>
    <message>
        <source>Labour</source>
        <translation>劳动技能</translation>
    </message>
    <message>
        <source>Medical insurance</source>
        <translation>基本医疗保险</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>current</source>
        <translation>在户</translation>
    </message>
    <message>
        <source>left the household</source>
        <translation>已不在户</translation>
    </message>
</context>
<context>
    <name>MonitoringPanel</name>
    <message>
        <source>Propose for monitoring…</source>
        <translation>提出纳入监测…</translation>
    </message>
    <message>
        <source>Propose risk elimination…</source>
        <translation>提出风险消除…</translation>
    </message>
    <message>
        <source>New risk: back to monitoring…</source>
        <translation>出现新风险：返回监测…</translation>
    </message>
    <message>
        <source>Add plan measure…</source>
        <translation>添加帮扶措施（一户一策）…</translation>
    </message>
    <message>
        <source>since %1</source>
        <translation>自 %1</translation>
    </message>
    <message>
        <source>(phase-out until %1)</source>
        <translation>（渐退期至 %1）</translation>
    </message>
    <message>
        <source>Next: %1, by the %2, due %3</source>
        <translation>下一步：%1，由%2办理，期限 %3</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Record: %1…</source>
        <translation>登记：%1…</translation>
    </message>
    <message>
        <source>village</source>
        <translation>村</translation>
    </message>
    <message>
        <source>township</source>
        <translation>乡镇</translation>
    </message>
    <message>
        <source>county</source>
        <translation>县</translation>
    </message>
    <message>
        <source>Every risk-elimination condition holds.</source>
        <translation>风险消除条件均已满足。</translation>
    </message>
    <message>
        <source>Risk elimination cannot be proposed yet:</source>
        <translation>暂不能提出风险消除：</translation>
    </message>
    <message>
        <source>Plan (一户一策) warnings:</source>
        <translation>一户一策提示：</translation>
    </message>
    <message>
        <source>Plan measures</source>
        <translation>帮扶措施</translation>
    </message>
    <message>
        <source>Look-back (回头看) due:</source>
        <translation>待回头看：</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>截止 %1</translation>
    </message>
    <message>
        <source>Steps taken</source>
        <translation>办理记录</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>计划中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>实施中</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Propose for monitoring</source>
        <translation>提出纳入监测</translation>
    </message>
    <message>
        <source>Propose risk elimination</source>
        <translation>提出风险消除</translation>
    </message>
    <message>
        <source>New risk: back to monitoring</source>
        <translation>出现新风险：返回监测</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>Visits this month</source>
        <translation>本月走访次数</translation>
    </message>
    <message>
        <source>Households overdue for a visit</source>
        <translation>逾期未走访户数</translation>
    </message>
    <message>
        <source>Open problems</source>
        <translation>未销号问题</translation>
    </message>
    <message>
        <source>Monitored households</source>
        <translation>监测对象户数</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户列表</translation>
    </message>
    <message>
        <source>Problems past deadline</source>
        <translation>超期未整改问题</translation>
    </message>
    <message>
        <source>Save summary as PDF…</source>
        <translation>概览保存为 PDF…</translation>
    </message>
    <message>
        <source>Print summary…</source>
        <translation>打印概览…</translation>
    </message>
    <message>
        <source>up to 7 days</source>
        <translation>7 天以内</translation>
    </message>
    <message>
        <source>8–30 days</source>
        <translation>8–30 天</translation>
    </message>
    <message>
        <source>31–90 days</source>
        <translation>31–90 天</translation>
    </message>
    <message>
        <source>over 90 days</source>
        <translation>90 天以上</translation>
    </message>
    <message>
        <source>Latest verdict per indicator (households)</source>
        <translation>各项指标最近结论（户数）</translation>
    </message>
    <message>
        <source>Open problems by indicator</source>
        <translation>未销号问题（按指标）</translation>
    </message>
    <message>
        <source>Visits per month</source>
        <translation>每月走访次数</translation>
    </message>
    <message>
        <source>Open problems by age</source>
        <translation>未销号问题（按时长）</translation>
    </message>
    <message>
        <source>Village overview</source>
        <translation>村情概览</translation>
    </message>
    <message>
        <source>Save summary</source>
        <translation>保存概览</translation>
    </message>
</context>
<context>
    <name>PhotoStrip</name>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Add photo from file…</source>
        <translation>从文件添加照片…</translation>
    </message>
    <message>
        <source>Camera capture is not available in this installation; add photos from a file.</source>
        <translation>本机安装的版本不支持摄像头拍照，请从文件添加照片。</translation>
    </message>
    <message>
        <source>Choose photos</source>
        <translation>选择照片</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png *.webp)</source>
        <translation>图片 (*.jpg *.jpeg *.png *.webp)</translation>
    </message>
</context>
<context>
    <name>PlanMeasureDialog</name>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>截止日期</translation>
    </message>
</context>
<context>
    <name>ProblemStepDialog</name>
    <message>
        <source>Note</source>
        <translation>情况说明</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>验收人</translation>
    </message>
    <message>
        <source>Closing needs a note on how it was fixed, and a checker other than the person who reported it.</source>
        <translation>销号需要填写整改和验收情况，并由问题登记人以外的人员验收。</translation>
    </message>
    <message>
        <source>Ctrl+Enter: save this step</source>
        <translation>Ctrl+Enter：保存这一步</translation>
    </message>
</context>
<context>
    <name>ProblemTableModel</name>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>发现日期</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Reported by</source>
        <translation>登记人</translation>
    </message>
    <message>
        <source>Last step</source>
        <translation>最近一步</translation>
    </message>
</context>
<context>
    <name>RelayWindow</name>
    <message>
        <source>Fieldapp — township relay</source>
        <translation>Fieldapp — 乡镇中转站</translation>
    </message>
    <message>
        <source>Township relay: USB sticks to the county and back</source>
        <translation>乡镇中转站：U盘数据送到县里，县里回复写回U盘</translation>
    </message>
    <message>
        <source>County server: %1</source>
        <translation>县服务器：%1</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>数据包</translation>
    </message>
    <message>
        <source>From device</source>
        <translation>来自设备</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Read a folder instead…</source>
        <translation>改为读取一个文件夹…</translation>
    </message>
    <message>
        <source>Upload the queue now</source>
        <translation>立即上传暂存队列</translation>
    </message>
    <message>
        <source>Plug in a USB stick with visit data. It is read as soon as it is in.</source>
        <translation>请插入装有走访数据的U盘，插上后会自动读取。</translation>
    </message>
    <message>
        <source>Choose the USB stick (or a folder on it)</source>
        <translation>选择U盘（或U盘上的文件夹）</translation>
    </message>
    <message>
        <source>Reading the stick %1 … do not pull it out yet.</source>
        <translation>正在读取U盘 %1 …… 请先不要拔出。</translation>
    </message>
    <message>
        <source>Done. You can pull out the stick now. Replies for %1 laptops were written onto it.</source>
        <translation>完成，现在可以拔出U盘了。已把 %1 台笔记本的回复写到U盘上。</translation>
    </message>
    <message>
        <source>Nothing was changed on the stick; you can pull it out. %1</source>
        <translation>U盘上的内容没有改动，可以拔出。%1</translation>
    </message>
    <message>
        <source>County reachable.</source>
        <translation>县服务器可以连接。</translation>
    </message>
    <message>
        <source>The county cannot be reached now: good bundles wait in the office queue.</source>
        <translation>现在连不上县服务器：核验通过的数据包暂存在本办公室，联网后上传。</translation>
    </message>
    <message>
        <source>%1 bundles waiting in the queue.</source>
        <translation>暂存队列中有 %1 个数据包等待上传。</translation>
    </message>
    <message>
        <source>Checked and delivered to the county</source>
        <translation>核验通过，已送达县里</translation>
    </message>
    <message>
        <source>Already delivered earlier (nothing new)</source>
        <translation>以前已经送达（没有新内容）</translation>
    </message>
    <message>
        <source>Checked; waiting in the queue</source>
        <translation>核验通过，在暂存队列中等待</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>拒收：%1</translation>
    </message>
</context>
<context>
    <name>SettingsTab</name>
    <message>
        <source>This program</source>
        <translation>本程序</translation>
    </message>
    <message>
        <source>%1 pt</source>
        <translation>%1 磅</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <source>Text size</source>
        <translation>字体大小</translation>
    </message>
    <message>
        <source>Lock after idle</source>
        <translation>无操作自动锁定</translation>
    </message>
    <message>
        <source>County server</source>
        <translation>县级服务器</translation>
    </message>
    <message>
        <source>Save address</source>
        <translation>保存地址</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Sync automatically in the background when the county can be reached</source>
        <translation>能连上县服务器时在后台自动同步</translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation>修改口令</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新口令</translation>
    </message>
    <message>
        <source>Repeat new passphrase</source>
        <translation>再次输入新口令</translation>
    </message>
    <message>
        <source>The address must start with https://</source>
        <translation>地址须以 https:// 开头</translation>
    </message>
    <message>
        <source>Server address saved.</source>
        <translation>服务器地址已保存。</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>两次输入的口令不一致。</translation>
    </message>
    <message>
        <source>Changing passphrase…</source>
        <translation>正在修改口令…</translation>
    </message>
    <message>
        <source>Passphrase changed. Use the new one from now on.</source>
        <translation>口令已修改，今后请使用新口令。</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <source>Everywhere</source>
        <translation>任何地方</translation>
    </message>
    <message>
        <source>Household page</source>
        <translation>户详情页</translation>
    </message>
    <message>
        <source>Visit form</source>
        <translation>走访表</translation>
    </message>
    <message>
        <source>Dialogs</source>
        <translation>对话框</translation>
    </message>
    <message>
        <source>This list of shortcuts</source>
        <translation>显示本快捷键列表</translation>
    </message>
    <message>
        <source>Search households</source>
        <translation>搜索农户</translation>
    </message>
    <message>
        <source>Go to tab 1 to 7 (households … settings)</source>
        <translation>转到第1至第7个标签页（户列表……设置）</translation>
    </message>
    <message>
        <source>Next / previous tab</source>
        <translation>下一个／上一个标签页</translation>
    </message>
    <message>
        <source>Next / previous control; Tab also leaves a table</source>
        <translation>下一个／上一个控件；在表格中按Tab也会离开表格</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>立即锁定</translation>
    </message>
    <message>
        <source>Scan card with camera</source>
        <translation>用摄像头扫描明白卡</translation>
    </message>
    <message>
        <source>Household list</source>
        <translation>户列表</translation>
    </message>
    <message>
        <source>Open the best match, or the selected household</source>
        <translation>打开最匹配的一户，或选中的一户</translation>
    </message>
    <message>
        <source>New visit (or back to the open one)</source>
        <translation>新建走访（或回到未完成的走访）</translation>
    </message>
    <message>
        <source>Edit household</source>
        <translation>修改户信息</translation>
    </message>
    <message>
        <source>Members / visits / problems / measures</source>
        <translation>家庭成员／走访记录／问题台账／帮扶措施</translation>
    </message>
    <message>
        <source>Problem: start rectifying</source>
        <translation>问题：开始整改</translation>
    </message>
    <message>
        <source>Problem: ask for check</source>
        <translation>问题：申请核查</translation>
    </message>
    <message>
        <source>Problem: checked, close</source>
        <translation>问题：核查通过，销号</translation>
    </message>
    <message>
        <source>Problem: send back</source>
        <translation>问题：退回整改</translation>
    </message>
    <message>
        <source>Next question; after the last one, next section</source>
        <translation>下一题；最后一题之后进入下一部分</translation>
    </message>
    <message>
        <source>New line in a text field</source>
        <translation>在文字栏中换行</translation>
    </message>
    <message>
        <source>Next / previous section</source>
        <translation>下一部分／上一部分</translation>
    </message>
    <message>
        <source>Finalise the visit</source>
        <translation>走访定稿</translation>
    </message>
    <message>
        <source>Discard the draft (asks first; the answer defaults to No)</source>
        <translation>放弃草稿（先询问，默认回答为“否”）</translation>
    </message>
    <message>
        <source>Choose in a list / tick a box</source>
        <translation>在列表中选择／勾选</translation>
    </message>
    <message>
        <source>Save the problem step</source>
        <translation>保存问题整改步骤</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>作用</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <source>Already open</source>
        <translation>已经打开</translation>
    </message>
    <message>
        <source>This data folder is already open in another Fieldapp window on this laptop. Switch to that window (look on the taskbar); this copy will close.</source>
        <translation>本机上另一个 Fieldapp 窗口已经打开了这个数据文件夹。请切换到那个窗口（在任务栏上找）；这个窗口将关闭。</translation>
    </message>
</context>
<context>
    <name>StatusTab</name>
    <message>
        <source>This laptop</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备编号</translation>
    </message>
    <message>
        <source>Data format version</source>
        <translation>数据格式版本</translation>
    </message>
    <message>
        <source>Backup</source>
        <translation>备份</translation>
    </message>
    <message>
        <source>A backup is an encrypted copy of everything on this laptop. Keep it on a USB stick in a safe place; it opens only with your passphrase.</source>
        <translation>备份是本机全部数据的加密副本。请存到U盘并妥善保管；只有用您的口令才能打开。</translation>
    </message>
    <message>
        <source>Folder, e.g. the USB stick</source>
        <translation>文件夹，例如U盘</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Back up now</source>
        <translation>立即备份</translation>
    </message>
    <message>
        <source>Restore from backup…</source>
        <translation>从备份恢复…</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>正在备份…</translation>
    </message>
    <message>
        <source>Backup written: %1</source>
        <translation>备份已保存：%1</translation>
    </message>
    <message>
        <source>Choose a backup</source>
        <translation>选择备份文件</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Restoring replaces the data on this laptop with the backup. Changes made since the backup are lost. Continue?</source>
        <translation>恢复会用备份替换本机数据，备份之后的修改将丢失。是否继续？</translation>
    </message>
    <message>
        <source>Passphrase of the backup:</source>
        <translation>备份时使用的口令：</translation>
    </message>
    <message>
        <source>Restored. Unlock to continue.</source>
        <translation>已恢复。请输入口令继续。</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <source>Monitoring type</source>
        <translation>监测类型</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Reason (required)</source>
        <translation>原因（必填）</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <source>Synchronisation with the county</source>
        <translation>与县里同步</translation>
    </message>
    <message>
        <source>Last synchronisation</source>
        <translation>上次同步</translation>
    </message>
    <message>
        <source>Enrolled server</source>
        <translation>登记的服务器</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>负责的村</translation>
    </message>
    <message>
        <source>Changes waiting to be sent</source>
        <translation>待上传的修改</translation>
    </message>
    <message>
        <source>Conflicts waiting for review</source>
        <translation>待处理的冲突</translation>
    </message>
    <message>
        <source>Review conflicts</source>
        <translation>处理冲突</translation>
    </message>
    <message>
        <source>Changes held by the county</source>
        <translation>被县里暂扣的修改</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Export to USB…</source>
        <translation>导出到U盘…</translation>
    </message>
    <message>
        <source>Import from USB…</source>
        <translation>从U盘导入…</translation>
    </message>
    <message>
        <source>Enroll with the county…</source>
        <translation>在县里入网登记…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Exporting to USB is not delivery: the changes stay in &quot;waiting to be sent&quot; until the county acknowledges them (after the next sync, or when you import the county&apos;s reply bundle from the stick).</source>
        <translation>导出到U盘不等于已上报：县里确认收到之前（下次联网同步后，或从U盘导入县里的回执数据包后），这些修改仍算“待上传”。</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>(county %1)</source>
        <translation>（县代码 %1）</translation>
    </message>
    <message>
        <source>not enrolled yet</source>
        <translation>尚未登记</translation>
    </message>
    <message>
        <source>%1 changes were held by the county: they are outside this laptop&apos;s villages or malformed. County IT can release or reject them.</source>
        <translation>有 %1 条修改被县里暂扣：它们超出本机负责的村，或格式有误。县里信息员可以放行或驳回。</translation>
    </message>
    <message>
        <source>%1 changes received from the county could not be applied and were set aside; everything else was applied.</source>
        <translation>从县里收到的 %1 条修改无法应用，已单独存放；其余修改均已应用。</translation>
    </message>
    <message>
        <source>Enroll this laptop with the county first.</source>
        <translation>请先在县里为本机入网登记。</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was lost; what the county already acknowledged stays acknowledged.</source>
        <translation>已取消。数据没有丢失；县里已确认收到的部分仍然有效。</translation>
    </message>
    <message>
        <source>Sending changes… %1 of %2</source>
        <translation>正在上传修改… %1 / %2</translation>
    </message>
    <message>
        <source>Receiving changes… %1</source>
        <translation>正在接收修改… %1</translation>
    </message>
    <message>
        <source>Connecting to the county server…</source>
        <translation>正在连接县服务器…</translation>
    </message>
    <message>
        <source>Synchronised: sent %1, received %2; %3 waiting to be sent.</source>
        <translation>同步完成：上传 %1 条，接收 %2 条；还有 %3 条待上传。</translation>
    </message>
    <message>
        <source>Choose the USB stick (or a folder on it)</source>
        <translation>选择U盘（或U盘上的文件夹）</translation>
    </message>
    <message>
        <source>Writing the bundle to %1…</source>
        <translation>正在把数据包写入 %1…</translation>
    </message>
    <message>
        <source>Bundle written: %1 (%2 changes). This is not delivery yet: take the stick to the township office; the changes stay waiting until the county acknowledges them.</source>
        <translation>数据包已写入：%1（%2 条修改）。这还不算上报：请把U盘交到乡镇办公室；县里确认收到之前，这些修改仍为待上传。</translation>
    </message>
    <message>
        <source>Choose the county&apos;s bundle</source>
        <translation>选择县里发来的数据包</translation>
    </message>
    <message>
        <source>Fieldapp bundles (*.fab);;All files (*)</source>
        <translation>Fieldapp 数据包 (*.fab);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <source>Imported %1 changes from the county.</source>
        <translation>已从县里导入 %1 条修改。</translation>
    </message>
    <message>
        <source>Enrolling with %1…</source>
        <translation>正在向 %1 登记…</translation>
    </message>
    <message>
        <source>Enrolled with county %1 for villages %2.</source>
        <translation>已在县 %1 登记，负责的村：%2。</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>e.g. 王建国</source>
        <translation>例如：王建国</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>您的姓名</translation>
    </message>
    <message>
        <source>County code (optional)</source>
        <translation>县（区）代码（可不填）</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>口令</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>再次输入口令</translation>
    </message>
    <message>
        <source>If you forget the passphrase, county IT can recover the data on this laptop once it has been enrolled with the county server (the county recovery key). Until then, a forgotten passphrase means the data cannot be opened. Write the passphrase down and keep it safe.</source>
        <translation>本机在县级服务器登记后，如果忘记口令，县里的技术人员可以用县级恢复密钥找回本机数据。登记之前忘记口令，数据将无法打开。请把口令写下来妥善保管。</translation>
    </message>
    <message>
        <source>This computer is at the township office (relay)…</source>
        <translation>这台电脑在乡镇办公室（用作中转站）…</translation>
    </message>
    <message>
        <source>Welcome to Fieldapp</source>
        <translation>欢迎使用 Fieldapp 入户走访</translation>
    </message>
    <message>
        <source>Fieldapp is locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Choose a passphrase to protect the household data on this laptop. Everything is stored encrypted; nobody can read it without the passphrase.</source>
        <translation>请设置口令来保护本机上的农户信息。所有数据都加密保存，没有口令任何人都无法读取。</translation>
    </message>
    <message>
        <source>Enter your passphrase to open the household data.</source>
        <translation>请输入口令，打开农户信息。</translation>
    </message>
    <message>
        <source>Create and open</source>
        <translation>创建并打开</translation>
    </message>
    <message>
        <source>Township relay</source>
        <translation>乡镇中转站</translation>
    </message>
    <message>
        <source>A relay takes visit bundles off USB sticks, checks them and sends them to the county. It keeps no household data and cannot read the bundles.

County server address:</source>
        <translation>中转站从U盘上取下走访数据包，核验后送到县里。它不保存任何农户数据，也无法读取数据包的内容。

县服务器地址：</translation>
    </message>
    <message>
        <source>The address must start with https://</source>
        <translation>地址必须以 https:// 开头</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>too short (at least 8 characters)</source>
        <translation>太短（至少 8 个字符）</translation>
    </message>
    <message>
        <source>weak</source>
        <translation>弱</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>good</source>
        <translation>较好</translation>
    </message>
    <message>
        <source>strong</source>
        <translation>强</translation>
    </message>
    <message>
        <source>Strength: %1</source>
        <translation>强度：%1</translation>
    </message>
    <message>
        <source>Use at least 8 characters; a short sentence is easy to remember.</source>
        <translation>至少 8 个字符；用一句短话更容易记住。</translation>
    </message>
    <message>
        <source>The two passphrases differ. Type the same passphrase twice.</source>
        <translation>两次输入的口令不一致，请输入相同的口令。</translation>
    </message>
    <message>
        <source>Enter the passphrase.</source>
        <translation>请输入口令。</translation>
    </message>
</context>
<context>
    <name>VisitForm</name>
    <message>
        <source>Live verdict</source>
        <translation>实时研判</translation>
    </message>
    <message>
        <source>Previous section</source>
        <translation>上一部分</translation>
    </message>
    <message>
        <source>Next section</source>
        <translation>下一部分</translation>
    </message>
    <message>
        <source>Discard draft</source>
        <translation>放弃草稿</translation>
    </message>
    <message>
        <source>Finalise visit…</source>
        <translation>走访定稿…</translation>
    </message>
    <message>
        <source>No visit in progress</source>
        <translation>当前没有进行中的走访</translation>
    </message>
    <message>
        <source>Open a household and press “New visit”.</source>
        <translation>请打开一户，再点“新建走访”。</translation>
    </message>
    <message>
        <source>Visit: %1</source>
        <translation>走访：%1</translation>
    </message>
    <message>
        <source>Draft resumed</source>
        <translation>已恢复上次的草稿</translation>
    </message>
    <message>
        <source>Add another</source>
        <translation>再添加一项</translation>
    </message>
    <message>
        <source>Draft saved %1</source>
        <translation>草稿已保存 %1</translation>
    </message>
    <message>
        <source>Card scan recorded</source>
        <translation>已记录扫卡</translation>
    </message>
    <message>
        <source>%1 to fix, %2 to check</source>
        <translation>待修改 %1 项，待核对 %2 项</translation>
    </message>
    <message>
        <source>Answers incomplete</source>
        <translation>信息不完整</translation>
    </message>
    <message>
        <source>Overall: %1</source>
        <translation>总体：%1</translation>
    </message>
    <message>
        <source>Visit not complete</source>
        <translation>走访信息不完整</translation>
    </message>
    <message>
        <source>%1 answers need fixing before the visit can be finalised.
First: %2</source>
        <translation>还有 %1 项需要修改后才能定稿。
第一项：%2</translation>
    </message>
    <message>
        <source>Problems that will be added to the ledger:</source>
        <translation>以下问题将记入问题台账：</translation>
    </message>
    <message>
        <source>%1 answers to double-check (they do not block).</source>
        <translation>有 %1 项请再核对（不影响定稿）。</translation>
    </message>
    <message>
        <source>A finalised visit can no longer be changed.</source>
        <translation>定稿后的走访记录不能再修改。</translation>
    </message>
    <message>
        <source>Finalise visit</source>
        <translation>走访定稿</translation>
    </message>
    <message>
        <source>Finalise</source>
        <translation>定稿</translation>
    </message>
    <message>
        <source>Throw away this unfinished visit?</source>
        <translation>确定放弃这次未完成的走访吗？</translation>
    </message>
</context>
</TS>
