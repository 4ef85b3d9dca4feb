/**
 * A small built-in list of China's provincial-level divisions and their major cities, offered as
 * suggestions by region fields. Free typing stays allowed (a county-level city, a district, a place
 * abroad): the stored value is just "province[/city[/district]]" (docs/templates.md "Value shapes").
 */
export const REGIONS: readonly (readonly [province: string, cities: readonly string[]])[] = [
  ['北京市', ['东城区', '西城区', '朝阳区', '海淀区', '丰台区', '通州区', '顺义区', '大兴区', '昌平区']],
  ['天津市', ['和平区', '河西区', '南开区', '滨海新区', '武清区', '西青区']],
  [
    '上海市',
    [
      '黄浦区',
      '徐汇区',
      '长宁区',
      '静安区',
      '普陀区',
      '浦东新区',
      '闵行区',
      '宝山区',
      '嘉定区',
      '松江区',
      '青浦区',
    ],
  ],
  ['重庆市', ['渝中区', '江北区', '南岸区', '九龙坡区', '沙坪坝区', '渝北区', '万州区']],
  ['河北省', ['石家庄市', '唐山市', '保定市', '廊坊市', '邯郸市', '沧州市', '秦皇岛市']],
  ['山西省', ['太原市', '大同市', '长治市', '晋中市', '运城市']],
  ['内蒙古自治区', ['呼和浩特市', '包头市', '鄂尔多斯市', '赤峰市']],
  ['辽宁省', ['沈阳市', '大连市', '鞍山市', '营口市', '锦州市']],
  ['吉林省', ['长春市', '吉林市', '四平市', '延边朝鲜族自治州']],
  ['黑龙江省', ['哈尔滨市', '齐齐哈尔市', '大庆市', '牡丹江市']],
  [
    '江苏省',
    [
      '南京市',
      '苏州市',
      '无锡市',
      '常州市',
      '南通市',
      '徐州市',
      '扬州市',
      '镇江市',
      '盐城市',
      '泰州市',
      '昆山市',
    ],
  ],
  ['浙江省', ['杭州市', '宁波市', '温州市', '嘉兴市', '绍兴市', '金华市', '台州市', '湖州市', '义乌市']],
  ['安徽省', ['合肥市', '芜湖市', '蚌埠市', '马鞍山市', '安庆市', '滁州市']],
  ['福建省', ['福州市', '厦门市', '泉州市', '漳州市', '莆田市']],
  ['江西省', ['南昌市', '赣州市', '九江市', '上饶市', '宜春市']],
  ['山东省', ['济南市', '青岛市', '烟台市', '潍坊市', '淄博市', '临沂市', '济宁市', '威海市']],
  ['河南省', ['郑州市', '洛阳市', '新乡市', '南阳市', '许昌市', '开封市']],
  ['湖北省', ['武汉市', '宜昌市', '襄阳市', '荆州市', '十堰市']],
  ['湖南省', ['长沙市', '株洲市', '湘潭市', '衡阳市', '岳阳市', '常德市']],
  ['广东省', ['广州市', '深圳市', '东莞市', '佛山市', '珠海市', '中山市', '惠州市', '江门市', '汕头市']],
  ['广西壮族自治区', ['南宁市', '柳州市', '桂林市', '北海市']],
  ['海南省', ['海口市', '三亚市']],
  ['四川省', ['成都市', '绵阳市', '德阳市', '宜宾市', '泸州市', '南充市']],
  ['贵州省', ['贵阳市', '遵义市', '六盘水市']],
  ['云南省', ['昆明市', '曲靖市', '玉溪市', '大理白族自治州']],
  ['西藏自治区', ['拉萨市', '日喀则市']],
  ['陕西省', ['西安市', '宝鸡市', '咸阳市', '榆林市']],
  ['甘肃省', ['兰州市', '天水市', '酒泉市']],
  ['青海省', ['西宁市', '海东市']],
  ['宁夏回族自治区', ['银川市', '石嘴山市']],
  ['新疆维吾尔自治区', ['乌鲁木齐市', '克拉玛依市', '喀什地区']],
  ['香港特别行政区', ['香港岛', '九龙', '新界']],
  ['澳门特别行政区', ['澳门半岛', '氹仔', '路环']],
  ['台湾省', ['台北市', '新北市', '台中市', '高雄市']],
];

export const PROVINCES: readonly string[] = REGIONS.map(([p]) => p);

/** The suggested cities of a province as typed ("江苏" finds 江苏省); none for an unknown one. */
export function citiesOf(province: string): readonly string[] {
  const p = province.trim();
  if (p === '') return [];
  const hit = REGIONS.find(([name]) => name === p) ?? REGIONS.find(([name]) => name.startsWith(p));
  return hit ? hit[1] : [];
}

/** "江苏省/苏州市/昆山市" → its parts (blank parts kept, so the inputs stay where the user typed). */
export function splitRegion(value: string): [string, string, string] {
  const [province = '', city = '', district = ''] = value.split('/');
  return [province, city, district];
}

/**
 * Parts → the stored text: trailing blanks dropped, so "江苏省" alone is a province; a blank in the
 * middle is kept for the validator to name (a district without its city is not a region).
 */
export function joinRegion(parts: readonly string[]): string {
  // Parts stay as typed (a space inside "New York" must survive the keystroke); the validator trims.
  const kept = parts.map((p) => p.replace(/\//g, ''));
  while (kept.length > 0 && (kept[kept.length - 1] ?? '').trim() === '') kept.pop();
  return kept.join('/');
}
