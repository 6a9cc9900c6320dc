/** Words the generator builds names, labels and text from. Plain data; the choices are the PRNG's. */

export const OBJECT_NOUNS = [
  'Invoice', 'Contract', 'Shipment', 'Warehouse', 'Product_Plan', 'Dealer', 'Distributor', 'Claim', 'Warranty', 'Asset_Check',
  'Service_Visit', 'Territory', 'Quota', 'Rebate', 'Campaign_Budget', 'Price_Book_Rule', 'Delivery', 'Return', 'Supplier',
  'Purchase_Order', 'Forecast', 'Commission', 'Onboarding', 'Certification', 'Training', 'Survey', 'Feedback', 'Incident',
  'Project', 'Milestone', 'Timesheet', 'Expense', 'Vehicle', 'Route', 'Store', 'Promotion', 'Coupon', 'Loyalty_Tier',
  'Membership', 'Subscription', 'Entitlement_Plan', 'Site_Survey', 'Installation', 'Inspection', 'Permit', 'Tender', 'Bid',
  'Agreement', 'Account_Plan', 'Partner_Fund', 'Lead_Score', 'Visit_Report', 'Sample_Request', 'Complaint', 'Recall',
  'Batch', 'Lot', 'Inventory', 'Stock_Move', 'Bill_Of_Material', 'Work_Order_Step', 'Maintenance_Plan', 'Device', 'Meter',
  'Reading', 'Tariff', 'Region_Target', 'Market', 'Channel', 'Brand', 'Catalog', 'Customs_Filing', 'Tax_Rule', 'Payment',
] as const;

export const OBJECT_SUFFIXES = ['', '_Line', '_Item', '_Schedule', '_Event', '_Request', '_History', '_Detail', '_Approval', '_Allocation', '_Snapshot', '_Link'] as const;

export const STANDARD_OBJECTS = ['Account', 'Contact', 'Opportunity', 'Case', 'Lead'] as const;

export const FIELD_WORDS = [
  'Amount', 'Status', 'Region', 'Due_Date', 'Approved', 'Priority', 'Channel', 'Category', 'Score', 'Discount', 'Margin',
  'Quantity', 'Unit_Price', 'Tax', 'Currency_Code', 'External_Id', 'Start_Date', 'End_Date', 'Owner_Team', 'Segment',
  'Tier', 'Source', 'Reason', 'Stage', 'Probability', 'Weight', 'Volume', 'Country', 'Province', 'City', 'Postal_Code',
  'Phone_Ext', 'Reference', 'Notes', 'Comments', 'Rating', 'Level', 'Budget', 'Cost', 'Revenue', 'Forecast', 'Target',
  'Actual', 'Variance', 'Is_Active', 'Is_Primary', 'Is_Locked', 'Sync_Status', 'Legacy_Id', 'SAP_Number', 'Batch_Code',
  'Language', 'Brand', 'Model', 'Serial', 'Warranty_End', 'Contract_Term', 'Renewal_Date', 'Billing_Cycle', 'Payment_Term',
] as const;

export const PICKLIST_VALUES = [
  'New', 'Open', 'In Progress', 'On Hold', 'Closed', 'Cancelled', 'Approved', 'Rejected', 'Draft', 'Submitted', 'High',
  'Medium', 'Low', 'EMEA', 'APAC', 'AMER', 'China', 'Direct', 'Partner', 'Online', 'Retail', 'Gold', 'Silver', 'Bronze',
] as const;

export const LABEL_WORDS = [
  'Save', 'Cancel', 'Submit', 'Approve', 'Reject', 'Record', 'Account', 'Order', 'Invoice', 'Customer', 'Please', 'enter',
  'a', 'valid', 'value', 'for', 'the', 'selected', 'item', 'was', 'updated', 'successfully', 'cannot', 'be', 'empty',
  'region', 'date', 'amount', 'contact', 'your', 'administrator', 'error', 'warning', 'loading', 'no', 'results', 'found',
] as const;

export const ZH_WORDS = ['保存', '取消', '提交', '批准', '拒绝', '记录', '客户', '订单', '发票', '金额', '状态', '区域', '日期', '优先级', '成功', '错误', '请输入', '有效', '值'] as const;
export const JA_WORDS = ['保存', 'キャンセル', '送信', '承認', '却下', 'レコード', '取引先', '注文', '請求書', '金額', '状況', '地域', '日付', '優先度'] as const;
export const ZH_TW_WORDS = ['儲存', '取消', '提交', '核准', '拒絕', '記錄', '客戶', '訂單', '發票', '金額', '狀態', '區域'] as const;

export const USER_PERMISSIONS = [
  'ApiEnabled', 'ViewSetup', 'ManageUsers', 'ModifyAllData', 'ViewAllData', 'RunReports', 'ExportReport', 'EditTask',
  'EditEvent', 'ManageDashboards', 'CreateCustomizeReports', 'ImportLeads', 'TransferAnyLead', 'ConvertLeads',
  'ManageCases', 'ViewRoles', 'AssignPermissionSets', 'ManageCustomPermissions', 'ChatterInternalUser', 'LightningExperienceUser',
  'EmailSingle', 'EmailMass', 'ManageEmailClientConfig', 'ViewHelpLink', 'AllowViewKnowledge', 'ManageSolutions',
  'SendSitRequests', 'ActivitiesAccess', 'ContentWorkspaces', 'ManageTranslation', 'CustomizeApplication', 'AuthorApex',
] as const;

export const PROFILE_NAMES = [
  'Admin', 'Standard', 'Sales Manager', 'Sales Rep', 'Service Agent', 'Service Manager', 'Marketing User', 'Partner Manager',
  'China Sales Rep', 'China Service Agent', 'Integration User', 'Read Only Auditor', 'Finance Analyst', 'Field Technician',
  'Dealer Portal', 'Support Tier 2', 'Channel Manager', 'Contract Manager', 'Operations', 'Executive',
] as const;

/** Endpoints named credentials and remote sites point at; several are hosts the China org cannot reach. */
export const ENDPOINTS = [
  'https://api.example.com', 'https://erp.example.com/sap', 'https://hooks.slack.com', 'https://maps.googleapis.com',
  'https://api.stripe.com', 'https://graph.microsoft.com', 'https://api.example.cn', 'https://erp.example.cn/sap',
  'https://api.docusign.net', 'https://www.googleapis.com', 'https://api.twilio.com', 'https://login.example.com',
] as const;

export const APEX_KINDS = ['Service', 'Selector', 'Controller', 'TriggerHandler', 'Batch', 'Test'] as const;
