/** Messages of source administration; the English tree is typed by the Chinese one so keys cannot drift. */
type Widen<T> = T extends string ? string : { readonly [K in keyof T]: Widen<T[K]> };

export const zhCN = {
  sourceAdmin: {
    nav: '数据源接入', title: '数据源接入管理', register: '登记数据源', edit: '编辑', name: '名称', orgUnit: '所属组织',
    allowedTypes: '允许的事件类型', extraType: '其他类型（须先登记其结构）', addType: '添加', cadence: '约定频率',
    cadenceKinds: { none: '不约定', batches: '按批次', events: '按条数' },
    everyMinutes: '每隔（分钟）至少一批', windowFrom: '起始时间', windowTo: '结束时间', weekdaysOnly: '仅工作日', perDay: '每天条数',
    active: '启用', activeState: '启用中', inactiveState: '已停用', token: '令牌', tokenRevoked: '已吊销', tokenActive: '有效',
    lastUsed: '最近使用', revokeToken: '吊销令牌',
    confirmRevoke: '吊销数据源 {name} 的令牌？该系统将无法再发送数据；当前接口不支持为数据源换发新令牌，如需恢复须重新登记数据源。',
    secretTitle: '数据源令牌', secretOnce: '令牌密钥只显示这一次，请立即复制并配置到发送系统中。',
    registered: '数据源 {name} 已登记。', saved: '已保存。', mapping: '列映射', schemas: '自定义类型', upload: '上传文件',
    hasMapping: '已配置列映射', noMapping: '未配置列映射',
    mappingTitle: '列映射 · {name}', mappingHint: '把表头映射到事件字段；id、type、orgUnit、occurredAt 须由某列或常量提供。',
    header: '表头', field: '事件字段', addColumn: '添加列', constants: '常量', constantField: '字段', constantValue: '值', constantKind: '值类型',
    kinds: { string: '文本', number: '数字', boolean: '是/否' }, addConstant: '添加常量', timeZone: '时区', dateFormat: '日期格式（可选）', remove: '移除',
    schemaTitle: '自定义事件类型 · {name}', schemaHint: '为标准类型之外的事件登记结构（JSON Schema 子集：type object、properties、required）。登记后该类型即可发送。',
    declared: '已登记的类型', typeName: '类型名', version: '版本', schemaJson: '结构（JSON）', schemaSaved: '类型 {name} 已登记（版本 {version}）。',
    invalidJson: '结构不是合法的 JSON：{message}',
    uploadTitle: '上传文件 · {name}', uploadHint: 'CSV 或 XLSX（仅第一个工作表），按已保存的列映射读取；每行给出结果。',
    file: '文件', send: '上传', sending: '正在上传…', needMapping: '请先配置列映射。',
    report: '共 {received} 行：入库 {accepted}，重复 {duplicates}，冲突 {conflicts}，拒收 {rejected}。', row: '行', outcome: '结果',
    outcomes: { accepted: '入库', duplicate: '重复', conflict: '冲突', rejected: '拒收' }, allAccepted: '所有行均已入库。',
    code: '原因代码', message: '说明', path: '位置', quality: '查看质量',
  },
  errors: {
    SOURCE_NAME_TAKEN: '已有同名数据源。', SOURCE_INVALID_TYPE: '事件类型名称不正确。', INGEST_MAPPING_MISSING: '请先为该数据源配置列映射。',
  },
} as const;

export const en: Widen<typeof zhCN> = {
  sourceAdmin: {
    nav: 'Sources', title: 'Source administration', register: 'Register a source', edit: 'Edit', name: 'Name', orgUnit: 'Org unit',
    allowedTypes: 'Allowed event types', extraType: 'Other type (declare its schema first)', addType: 'Add', cadence: 'Expected cadence',
    cadenceKinds: { none: 'None', batches: 'Batches', events: 'Events per day' },
    everyMinutes: 'At least one batch every (minutes)', windowFrom: 'From', windowTo: 'To', weekdaysOnly: 'Weekdays only', perDay: 'Events a day',
    active: 'Active', activeState: 'Active', inactiveState: 'Inactive', token: 'Token', tokenRevoked: 'Revoked', tokenActive: 'Active',
    lastUsed: 'Last used', revokeToken: 'Revoke token',
    confirmRevoke: 'Revoke the token of {name}? That system can no longer send data; the API cannot issue a source a new token, so restoring it means registering the source again.',
    secretTitle: 'Source token', secretOnce: 'The token secret is shown this once: copy it now and configure the sending system with it.',
    registered: 'Source {name} registered.', saved: 'Saved.', mapping: 'Column mapping', schemas: 'Custom types', upload: 'Upload a file',
    hasMapping: 'Column mapping saved', noMapping: 'No column mapping',
    mappingTitle: 'Column mapping · {name}', mappingHint: 'Map headers to event fields; id, type, orgUnit and occurredAt must come from a column or a constant.',
    header: 'Header', field: 'Event field', addColumn: 'Add column', constants: 'Constants', constantField: 'Field', constantValue: 'Value', constantKind: 'Value type',
    kinds: { string: 'Text', number: 'Number', boolean: 'Yes/no' }, addConstant: 'Add constant', timeZone: 'Time zone', dateFormat: 'Date format (optional)', remove: 'Remove',
    schemaTitle: 'Custom event types · {name}', schemaHint: 'Declare the schema of an event type beyond the canonical ones (a JSON Schema subset: type object, properties, required). Once declared, the type may be sent.',
    declared: 'Declared types', typeName: 'Type name', version: 'Version', schemaJson: 'Schema (JSON)', schemaSaved: 'Type {name} declared (version {version}).',
    invalidJson: 'The schema is not valid JSON: {message}',
    uploadTitle: 'Upload a file · {name}', uploadHint: 'CSV or XLSX (first worksheet only), read through the saved column mapping; every row gets an outcome.',
    file: 'File', send: 'Upload', sending: 'Uploading…', needMapping: 'Save a column mapping first.',
    report: '{received} rows: {accepted} accepted, {duplicates} duplicates, {conflicts} conflicts, {rejected} rejected.', row: 'Row', outcome: 'Outcome',
    outcomes: { accepted: 'Accepted', duplicate: 'Duplicate', conflict: 'Conflict', rejected: 'Rejected' }, allAccepted: 'Every row was accepted.',
    code: 'Code', message: 'Message', path: 'Where', quality: 'Quality',
  },
  errors: {
    SOURCE_NAME_TAKEN: 'A source with this name exists.', SOURCE_INVALID_TYPE: 'An event type name is not valid.', INGEST_MAPPING_MISSING: 'Save a column mapping for this source first.',
  },
};
