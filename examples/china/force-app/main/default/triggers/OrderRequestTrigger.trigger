trigger OrderRequestTrigger on Order_Request__c (after update) {
    OrderRequestTriggerHandler.afterUpdate(Trigger.new, Trigger.oldMap);
}
