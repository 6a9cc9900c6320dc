import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import STATUS_FIELD from '@salesforce/schema/Order_Request__c.Status__c';

const HELP_CENTER = 'https://brightleaf.sites.sfcrmapps.cn/support/s/article';

export default class OrderHelpPanel extends LightningElement {
    @api recordId;

    @wire(getRecord, { recordId: '$recordId', fields: [STATUS_FIELD] })
    orderRequest;

    get status() {
        return this.orderRequest?.data ? getFieldValue(this.orderRequest.data, STATUS_FIELD) : '';
    }

    openDeliveryHelp() {
        window.open(`${HELP_CENTER}/delivery-times`, '_blank');
    }

    openPaymentHelp() {
        window.open(`${HELP_CENTER}/payment-options`, '_blank');
    }
}
